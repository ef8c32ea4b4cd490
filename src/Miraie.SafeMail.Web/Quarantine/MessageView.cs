using System.Text.Json;
using MimeKit;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>
/// What the detail page shows of one stored message: its record, history, header lines and body as plain text
/// (an HTML-only body is converted to text, never rendered), and the inspection tree.
/// </summary>
public sealed record MessageView(MessageRecord Message, IReadOnlyList<AuditEntry> History, IReadOnlyList<(string Name, string Value)> Headers,
    string? Body, bool BodyTruncated, JsonElement? Inspection, string? ReadProblem)
{
    /// <summary>The most characters of a body shown.</summary>
    public const int MaxBodyChars = 100_000;

    /// <summary>
    /// The From header's display name: as stored at acceptance, or read from the stored message for mail accepted before
    /// it was stored; empty when there is none. Mail-supplied: shown as text only, through <see cref="DisplayText"/>.
    /// </summary>
    public string FromName { get; init; } = "";

    /// <summary>The From header's address, when there is one.</summary>
    public string? FromAddress { get; init; }

    /// <summary>
    /// A message's body as plain text, at most <see cref="MaxBodyChars"/> characters (true when cut): its text part, or its
    /// HTML part turned into text (never rendered); null when it has neither.
    /// </summary>
    public static (string? Body, bool Truncated) BodyOf(MimeMessage mime)
    {
        var body = mime.TextBody ?? (mime.HtmlBody is { } html ? HtmlText.Convert(html) : null);
        return body is { Length: > MaxBodyChars } ? (body[..MaxBodyChars], true) : (body, false);
    }

    /// <summary>True for the failures of reading a stored original that the page reports instead of failing.</summary>
    public static bool Unreadable(Exception e) => e is IOException or InvalidDataException or FormatException or ParseException or UnauthorizedAccessException;

    /// <summary>Loads a message, or null when there is no such id.</summary>
    public static async Task<MessageView?> LoadAsync(QuarantineService quarantine, string id, CancellationToken cancellationToken)
    {
        if (!QueueId.IsValid(id) || await quarantine.ShowAsync(id, cancellationToken) is not { } found)
        {
            return null;
        }

        var (message, history) = found;
        var headers = new List<(string, string)>();
        string? body = null;
        var truncated = false;
        string? problem = null;
        var fromName = message.HeaderFromName;
        var fromAddress = message.HeaderFrom;
        if (message.State is not (MessageState.Deleted or MessageState.Purged or MessageState.Rejected))
        {
            try
            {
                await using var stream = await quarantine.OpenOriginalAsync(message, cancellationToken);
                var mime = await MimeMessage.LoadAsync(stream, cancellationToken);
                headers.AddRange(mime.Headers.Select(h => (h.Field, h.Value)));
                fromName ??= mime.From.Mailboxes.FirstOrDefault()?.Name; // stored before version 6: read from the message
                fromAddress ??= mime.From.Mailboxes.FirstOrDefault()?.Address;
                (body, truncated) = BodyOf(mime);
            }
            catch (Exception e) when (Unreadable(e))
            {
                problem = e.Message;
            }
        }

        JsonElement? inspection = null;
        if (message.InspectionJson is { Length: > 0 } json)
        {
            using var document = JsonDocument.Parse(json);
            inspection = document.RootElement.Clone();
        }

        return new MessageView(message, history, headers, body, truncated, inspection, problem) { FromName = fromName ?? "", FromAddress = fromAddress };
    }
}
