using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Miraie.SafeMail.Gateway.Notices;

/// <summary>
/// What every mail the gateway writes to people has in common: the sender address, headers that stop auto-responders
/// from answering, dates shown as <c>2026/11/27 14:05 (JST)</c>, and a UTF-8 text body that survives any SMTP server.
/// </summary>
internal static class NoticeFormat
{
    /// <summary>The time zone dates are shown in unless the host says otherwise: Asia/Tokyo.</summary>
    public static TimeZoneInfo DefaultZone => DisplayTime.Default.Zone;

    /// <summary>The null reverse-path, written as an empty string (the SMTP command is <c>MAIL FROM:&lt;&gt;</c>).</summary>
    public const string NullSender = "";

    /// <summary>True for the null reverse-path, given as an empty string or as <c>&lt;&gt;</c>.</summary>
    public static bool IsNullSender(string? sender) => string.IsNullOrWhiteSpace(sender) || sender.Trim() == "<>";

    /// <summary>The gateway's host name in ASCII (punycode for an internationalised name), for addresses and Message-IDs.</summary>
    public static string ServerName(GatewayOptions gateway)
    {
        var name = string.IsNullOrWhiteSpace(gateway.ServerName) ? Environment.MachineName : gateway.ServerName.Trim();
        try
        {
            var ascii = new IdnMapping().GetAscii(name.TrimEnd('.'));
            if (ascii.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return ascii;
            }
        }
        catch (ArgumentException)
        {
            // Reported below with the setting's name.
        }

        throw new ArgumentException($"SafeMail:Gateway:ServerName: '{name}' is not a host name.", nameof(gateway));
    }

    /// <summary>
    /// The From address: <paramref name="configured"/> (<c>QuarantineOptions.NoticeFrom</c>, with or without a display name)
    /// or <paramref name="defaultLocalPart"/>@<paramref name="server"/>, shown as <paramref name="displayName"/> when the
    /// configured value names nobody.
    /// </summary>
    public static MailboxAddress FromAddress(string? configured, string defaultLocalPart, string server, string displayName)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return new MailboxAddress(displayName, $"{defaultLocalPart}@{server}");
        }

        if (!MailboxAddress.TryParse(configured, out var mailbox) || !mailbox.Address.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"SafeMail:Quarantine:NoticeFrom: '{configured}' is not a mail address.", nameof(configured));
        }

        return string.IsNullOrEmpty(mailbox.Name) ? new MailboxAddress(displayName, mailbox.Address) : mailbox;
    }

    /// <summary>Parses the envelope sender the mail goes back to; a malformed one is the caller's defect.</summary>
    public static MailboxAddress Recipient(string envelopeSender, string paramName)
    {
        var address = envelopeSender.Trim().TrimStart('<').TrimEnd('>');
        try
        {
            return new MailboxAddress(string.Empty, address);
        }
        catch (ParseException e)
        {
            throw new ArgumentException($"The envelope sender '{envelopeSender}' is not a mail address: {e.Message}", paramName, e);
        }
    }

    /// <summary>
    /// Sets the headers every gateway-written mail carries: From, To, Subject, Date, a fresh Message-ID, and the markers
    /// that keep auto-responders (RFC 3834 Auto-Submitted, and Exchange's X-Auto-Response-Suppress) from answering it.
    /// </summary>
    public static void Address(
        MimeMessage message, MailboxAddress from, MailboxAddress to, string subject, DateTimeOffset date, string autoSubmitted)
    {
        message.From.Add(from);
        message.To.Add(to);
        message.Subject = subject;
        message.Date = date;
        message.MessageId = MimeUtils.GenerateMessageId(from.Domain.Length > 0 ? from.Domain : "localhost");
        message.Headers.Add("Auto-Submitted", autoSubmitted);
        message.Headers.Add("X-Auto-Response-Suppress", "All");
    }

    /// <summary>
    /// A <c>text/plain; charset=utf-8</c> part in base64: Japanese text is 8-bit, and base64 keeps the mail 7-bit clean
    /// for servers without 8BITMIME at a third of quoted-printable's size for kana and kanji. Lines end in CRLF (RFC 2046).
    /// </summary>
    public static TextPart PlainText(string text)
    {
        var part = new TextPart(MimeKit.Text.TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.Base64 };
        part.SetText(Encoding.UTF8, text.ReplaceLineEndings("\r\n"));
        return part;
    }

    /// <summary>A date as people read it here: <c>2026/11/27 14:05 (JST)</c>, in <paramref name="zone"/>.</summary>
    public static string Date(DateTimeOffset when, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(when, zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy/MM/dd HH:mm} ({DisplayTime.Label(zone, local.Offset)})");
    }

    /// <summary>
    /// Text that came from mail (subjects, file names, server replies) made safe to show: control characters and the
    /// bidirectional overrides that make <c>cod.exe</c> read as <c>exe.doc</c> are written as <c>&lt;U+202E&gt;</c>, as the CLI does.
    /// </summary>
    public static string Safe(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                builder.Append(CultureInfo.InvariantCulture, $"<U+{(int)c:X4}>");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The subject as shown in a notice: safe, and a placeholder when there is none.</summary>
    public static string ShownSubject(string? subject, string none) =>
        string.IsNullOrWhiteSpace(subject) ? none : Safe(subject.Trim());
}
