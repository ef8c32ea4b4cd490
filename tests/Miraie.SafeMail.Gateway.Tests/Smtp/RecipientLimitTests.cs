using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>
/// More recipients than MaxRecipients: the excess get 452 and the session goes on, so a sender that sends every RCPT
/// before reading the replies (Postfix, Exchange) delivers to the accepted ones and sends the rest in another
/// transaction on the same connection (RFC 5321 §4.5.3.1.10).
/// </summary>
public class RecipientLimitTests
{
    [Test]
    public async Task A_sender_with_250_recipients_delivers_to_all_of_them_in_transactions_of_100_on_one_connection()
    {
        await using var upstream = await CapturingSmtpServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = upstream.Port.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
        });
        var everyone = Enumerable.Range(1, 250).Select(i => $"user{i:D3}@example.co.jp").ToList();

        using var client = new RetryingClient { LocalDomain = "mta.test" };
        await client.ConnectAsync("127.0.0.1", gateway.Smtp.Port, SecureSocketOptions.None);
        client.Capabilities.Should().HaveFlag(SmtpCapabilities.Pipelining, "the client sends all its RCPTs at once, as an MTA does");
        var message = TestMessages.Mail("tanaka@example.co.jp", ["all-staff@example.co.jp"], "全社連絡");
        var rounds = new List<(int Sent, int Refused)>();
        var pending = everyone;
        while (pending.Count > 0)
        {
            client.Refused.Clear();
            (await client.SendAsync(message, new MailboxAddress("", "tanaka@example.co.jp"), pending.Select(a => new MailboxAddress("", a))))
                .Should().StartWith("2.0.0 Ok: queued as ");
            rounds.Add((pending.Count, client.Refused.Count));
            client.Refused.Select(r => r.Reply).Distinct().Should().BeSubsetOf(["4.5.3 Error: too many recipients"], "452 4.5.3 for the excess, nothing else");
            pending = [.. client.Refused.Select(r => r.Address)];
        }

        client.IsConnected.Should().BeTrue("every transaction ran on the first connection");
        await client.DisconnectAsync(true);
        rounds.Should().Equal((250, 150), (150, 50), (50, 0));
        var delivered = await upstream.WaitForMessagesAsync(3, TimeSpan.FromSeconds(60));
        delivered.SelectMany(m => m.Recipients).Should().BeEquivalentTo(everyone, "all 250 arrive upstream, each once");
    }

    /// <summary>MailKit's client as an MTA uses it: a refused recipient is noted (to retry), not an exception that ends the transaction.</summary>
    private sealed class RetryingClient : SmtpClient
    {
        public List<(string Address, string Reply)> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, MailKit.Net.Smtp.SmtpResponse response)
        {
            ((int)response.StatusCode).Should().Be(452);
            Refused.Add((mailbox.Address, response.Response));
        }
    }
}
