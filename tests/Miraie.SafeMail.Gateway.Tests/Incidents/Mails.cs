namespace Miraie.SafeMail.Gateway.Tests.Incidents;

/// <summary>What people read of a delivered .eml: the headers (decoded) and the text.</summary>
internal static class Mails
{
    public static string Decode(string raw)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
        var message = MimeKit.MimeMessage.Load(stream);
        return string.Join("\n", message.Headers.Select(h => $"{h.Field}: {h.Value}")) + "\n\n" + (message.TextBody ?? "").ReplaceLineEndings("\n");
    }
}
