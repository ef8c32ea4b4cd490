using System.Text;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>Small messages for the helper tests.</summary>
internal static class SampleMessages
{
    /// <summary>
    /// A multipart message as raw CRLF bytes: 8-bit UTF-8 Japanese text, lines that need dot-stuffing (".a", "..",
    /// "."), trailing spaces, and a base64 attachment of 3,000 deterministic bytes.
    /// </summary>
    public static byte[] Multipart()
    {
        var attachment = new byte[3000];
        new Random(20261127).NextBytes(attachment);
        var base64 = Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks);
        var text = string.Join("\r\n",
            "From: =?UTF-8?B?6YCB5L+h6ICF?= <sender@src.test>",
            "To: a@dst.test, b@dst.test",
            "Subject: =?UTF-8?B?6KaL56mN5pu4?=",
            "Date: Thu, 27 Nov 2026 10:00:00 +0900",
            "Message-ID: <harness-multipart@src.test>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"=_b1\"",
            string.Empty,
            "--=_b1",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            string.Empty,
            "お世話になっております。見積書を添付します。",
            ".a line that starts with a dot",
            "..two dots",
            ".",
            "trailing spaces   ",
            string.Empty,
            "--=_b1",
            "Content-Type: application/octet-stream; name=\"data.bin\"",
            "Content-Disposition: attachment; filename=\"data.bin\"",
            "Content-Transfer-Encoding: base64",
            string.Empty,
            base64,
            "--=_b1--",
            string.Empty);
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>A one-part text message from sender@src.test to rcpt@dst.test with this subject.</summary>
    public static MimeMessage Simple(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@src.test"));
        message.To.Add(new MailboxAddress("Rcpt", "rcpt@dst.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = $"Body of {subject}.\r\n" };
        return message;
    }
}
