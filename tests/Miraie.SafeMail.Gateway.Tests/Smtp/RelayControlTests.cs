using MailKit.Net.Smtp;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>Never an open relay: untrusted, unauthenticated clients are refused; limits are enforced.</summary>
public class RelayControlTests
{
    [Test]
    public async Task An_untrusted_unauthenticated_client_cannot_relay()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Smtp:TrustedNetworks:0"] = "10.0.0.0/8",
        });
        var message = TestMessages.Mail("spammer@evil.example", ["victim@customer.example.com"], "hello");
        var send = () => Mailer.SendAsync(gateway.Smtp, message, "spammer@evil.example", "victim@customer.example.com");

        var refused = (await send.Should().ThrowAsync<SmtpCommandException>()).Which;
        ((int)refused.StatusCode).Should().Be(554);
        refused.Message.Should().StartWith("5.7.1 Relaying denied");
        Directory.Exists(Path.Combine(gateway.DataDirectory, "quarantine")).Should().BeTrue();
        Directory.GetFiles(Path.Combine(gateway.DataDirectory, "spool"), "seg-*").Should().BeEmpty("nothing was accepted");
    }

    [Test]
    public async Task Recipients_beyond_the_limit_get_a_temporary_refusal()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxRecipients"] = "2" });
        var to = new[] { "a@example.co.jp", "b@example.co.jp", "c@example.co.jp" };
        var send = () => Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", to, "three"), "tanaka@example.co.jp", to);
        var refused = (await send.Should().ThrowAsync<SmtpCommandException>()).Which;
        ((int)refused.StatusCode).Should().Be(452);
    }

    [Test]
    public async Task A_reject_rule_answers_at_end_of_data_with_the_reason()
    {
        await using var gateway = await TestGateway.StartAsync(TestGateway.RejectExecutables());
        var script = System.Text.Encoding.ASCII.GetBytes("#!/bin/sh\necho hi\n");
        var message = TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "tool", script, "install.sh");
        var send = () => Mailer.SendAsync(gateway.Smtp, message, "tanaka@example.co.jp", "suzuki@example.co.jp");
        var refused = (await send.Should().ThrowAsync<SmtpCommandException>()).Which;
        ((int)refused.StatusCode).Should().Be(554);
        refused.Message.Should().StartWith("5.7.1 Rejected by policy (no-executables): install.sh: an executable file");
        (await gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(1))).Should().BeEmpty();
    }
}
