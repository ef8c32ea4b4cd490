using System.Globalization;
using MimeKit.Utils;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>The trace header (RFC 5321 §4.4) the gateway adds in front of every message it relays, folded as MTAs fold it.</summary>
internal static class ReceivedHeader
{
    public static string Build(ReceivedMessage message, string serverName, string queueId, DateTimeOffset at)
    {
        var protocol = "ESMTP" + (message.Secure ? "S" : "") + (message.AuthUser is null ? "" : "A");
        var helo = Clean(message.ClientHelo) ?? "unknown";
        var address = Clean(message.ClientAddress) ?? "unknown";
        var @for = message.Recipients.Count == 1 ? $"\r\n\tfor <{Clean(message.Recipients[0])}>" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"from {helo} ([{address}])\r\n\tby {serverName} (Miraie SafeMail) with {protocol} id {queueId}{@for};\r\n\t{DateUtils.FormatDate(at)}");
    }

    /// <summary>Keeps client-supplied text to printable ASCII without brackets, so it cannot break the header.</summary>
    private static string? Clean(string? text) =>
        text is null ? null : new string(text.Where(c => c is > ' ' and < '\x7F' and not ('(' or ')' or '<' or '>' or ';')).Take(255).ToArray());
}
