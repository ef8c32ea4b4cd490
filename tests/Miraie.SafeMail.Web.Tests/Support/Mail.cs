using System.Net;
using MailKit.Net.Smtp;
using MimeKit;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>Sends through the gateway inside the console host with MailKit, as a real client would.</summary>
internal static class Mail
{
    public static byte[] Pdf => Gateway.Tests.Support.TestMessages.Pdf;

    public static MimeMessage Quote(string subject, string to = "buyer@customer.example.com", string fileName = "見積書.pdf", string fromName = "田中 太郎",
        byte[]? content = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, "tanaka@example.co.jp"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        var body = new BodyBuilder { TextBody = "御見積書を添付いたします。\n<b>太字ではありません</b>" };
        body.Attachments.Add(fileName, content ?? Pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Sends and returns the queue id from the 250 reply.</summary>
    public static Task<string> SendAsync(IPEndPoint server, MimeMessage message, string to = "buyer@customer.example.com") => SendToAsync(server, message, to);

    /// <summary>Sends to every envelope recipient in <paramref name="to"/> and returns the queue id from the 250 reply.</summary>
    public static Task<string> SendToAsync(IPEndPoint server, MimeMessage message, params string[] to) => SendFromAsync(server, message, "tanaka@example.co.jp", to);

    /// <summary>Sends from the envelope sender <paramref name="from"/> to every address in <paramref name="to"/>; the queue id.</summary>
    public static async Task<string> SendFromAsync(IPEndPoint server, MimeMessage message, string from, params string[] to)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Address.ToString(), server.Port, MailKit.Security.SecureSocketOptions.None);
        var reply = await client.SendAsync(message, MailboxAddress.Parse(from), to.Select(MailboxAddress.Parse));
        await client.DisconnectAsync(true);
        return System.Text.RegularExpressions.Regex.Match(reply, @"queued as (\S+)").Groups[1].Value; // the id follows "queued as"
    }
}
