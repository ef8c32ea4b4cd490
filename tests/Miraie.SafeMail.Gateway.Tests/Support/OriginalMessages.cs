using System.Text;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>Outgoing messages as Outlook would send them, with markers in places a report must never copy.</summary>
public static class OriginalMessages
{
    public const string Subject = "見積書の送付（11月分）";
    public const string MessageId = "20261127050000.A1B2C3@example.co.jp";
    public const string BodyMarker = "BODY-MARKER-7f3a";
    public const string AttachmentMarker = "ATTACHMENT-MARKER-c41e";

    static OriginalMessages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>A Japanese message (ISO-2022-JP subject, as many Japanese clients still send) with a plain PDF attached.</summary>
    public static byte[] WithAttachment()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("田中 一郎", "tanaka@example.co.jp"));
        message.To.Add(new MailboxAddress("購買部", "buyer@customer.example.com"));
        message.Cc.Add(new MailboxAddress("鈴木", "suzuki@example.co.jp"));
        message.Headers.Replace(new Header("iso-2022-jp", HeaderId.Subject, Subject));
        message.MessageId = MessageId;
        message.Date = new DateTimeOffset(2026, 11, 27, 13, 59, 0, TimeSpan.FromHours(9));
        var builder = new BodyBuilder { TextBody = $"お世話になっております。\n{BodyMarker}\n" };
        builder.Attachments.Add("見積書.pdf", Encoding.ASCII.GetBytes($"%PDF-1.7\n{AttachmentMarker}\n%%EOF\n"), new ContentType("application", "pdf"));
        message.Body = builder.ToMessageBody();
        return Wire.Bytes(message);
    }

    /// <summary>The base64 lines of the attachment as they appear in <see cref="WithAttachment"/>, to prove none is copied.</summary>
    public static IEnumerable<string> AttachmentBase64Lines(byte[] original)
    {
        var message = Wire.Parse(original);
        var attachment = message.Attachments.OfType<MimePart>().Single();
        using var encoded = new MemoryStream();
        attachment.Content!.WriteTo(encoded);
        return Encoding.ASCII.GetString(encoded.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(l => l.Length > 8);
    }
}
