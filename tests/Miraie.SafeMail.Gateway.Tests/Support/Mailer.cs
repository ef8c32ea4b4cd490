using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>Sends with MailKit, the way a real client (Exchange, an MFP, a script) would.</summary>
internal static class Mailer
{
    /// <summary>Sends and returns the server's final reply text (e.g. "2.0.0 Ok: queued as …").</summary>
    public static async Task<string> SendAsync(IPEndPoint server, MimeMessage message, string from, params string[] to)
    {
        using var client = new SmtpClient { LocalDomain = "client.test" };
        await client.ConnectAsync(server.Address.ToString(), server.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message, new MailboxAddress("", from), to.Select(t => new MailboxAddress("", t)));
        await client.DisconnectAsync(true);
        return reply;
    }

    public static string QueueIdOf(string reply) => reply[(reply.LastIndexOf(' ') + 1)..];
}
