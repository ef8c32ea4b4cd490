using System.Globalization;
using System.Text;
using MimeKit;
using Miraie.SafeMail.Core.Protection;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>Messages and attachments the tests send: a real one-page PDF, a real AES-256 ZIP made by our writer.</summary>
internal static class TestMessages
{
    public static byte[] Pdf { get; } = MinimalPdf();

    public static byte[] AesZip { get; } = MakeAesZip();

    public static MimeMessage Mail(string from, string[] to, string subject, byte[]? attachment = null, string fileName = "見積書.pdf")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.example.co.jp");
        var body = new BodyBuilder { TextBody = "お世話になっております。\r\n見積書を送付いたします。\r\n" };
        if (attachment is not null)
        {
            body.Attachments.Add(fileName, attachment);
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>The bytes as they travel over SMTP (CRLF line ends).</summary>
    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return stream.ToArray();
    }

    private static byte[] MakeAesZip()
    {
        using var output = new MemoryStream();
        new ProtectedZipWriter().Write(output, "Test-Passw0rd-1", [ProtectedZipInput.FromStream("見積書.pdf", new MemoryStream(Pdf))]);
        return output.ToArray();
    }

    private static byte[] MinimalPdf()
    {
        string[] objects = ["<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>", "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"];
        var text = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(text.Length);
            text.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = text.Length;
        text.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            text.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        text.Append(CultureInfo.InvariantCulture, $"trailer\n<</Size {objects.Length + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
