using System.Text;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>Hostile or broken SMTP is answered sanely, and never splits one message into two on the way out.</summary>
public class MalformedInputTests
{
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp() => _gateway = await TestGateway.StartAsync();

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    private Task<RawSmtpClient> ConnectAsync() => RawSmtpClient.ConnectAsync("127.0.0.1", _gateway.Smtp.Port);

    private static async Task StartTransactionAsync(RawSmtpClient client)
    {
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO raw.test")).Code.Should().Be(250);
        (await client.CommandAsync("MAIL FROM:<tanaka@example.co.jp>")).Code.Should().Be(250);
        (await client.CommandAsync("RCPT TO:<suzuki@example.co.jp>")).Code.Should().Be(250);
        (await client.CommandAsync("DATA")).Code.Should().Be(354);
    }

    [Test]
    public async Task An_empty_DATA_is_answered_at_once_and_held_as_unreadable_not_relayed()
    {
        // SmtpServer alone never ends an empty DATA (Support/RawSmtpClientTests); the gateway reads DATA itself (ADR-013).
        await using var client = await ConnectAsync();
        await StartTransactionAsync(client);
        await client.SendAsync(".\r\n");
        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(10));
        reply.Code.Should().Be(250, "nothing is lost: an empty message is kept, in the quarantine");
        (await client.CommandAsync("NOOP")).Code.Should().Be(250);

        await using var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync();
        var record = await MessageTable.GetAsync(connection, Mailer.QueueIdOf(reply.Text));
        record!.State.Should().Be(MessageState.Quarantined);
        record.Rule.Should().Be("inspection-failed");
        (await _gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(500))).Should().BeEmpty();
    }

    [Test]
    public async Task The_smuggling_pattern_yields_one_message_whose_line_ends_are_made_safe()
    {
        await using var client = await ConnectAsync();
        await StartTransactionAsync(client);
        await client.SendAsync("Subject: first\r\n\r\nhello\n.\r\nMAIL FROM:<boss@example.co.jp>\r\nRCPT TO:<victim@customer.example.com>\r\nDATA\r\n" +
            "Subject: smuggled\r\n\r\nwire the money\r\n.\r\n");
        var reply = await client.ReadReplyAsync();
        reply.Code.Should().Be(250);
        (await client.CommandAsync("QUIT")).Code.Should().Be(221);

        var delivered = await _gateway.WaitForPickupAsync(1);
        await Task.Delay(1500);
        (await _gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(100))).Should().HaveCount(1, "one DATA, one message");
        var text = await File.ReadAllTextAsync(delivered[0]);
        text.Should().Contain("hello\r\n.\r\nMAIL FROM:<boss@example.co.jp>\r\n", "the bare LF became CRLF, so any next hop dot-stuffs the lone dot");
        text.Should().NotContain("\n.\r\n".Replace("\n", "\r\n", StringComparison.Ordinal) + "Subject: smuggled\r\n\r\nwire the money\r\n.\r\n");
        (await File.ReadAllTextAsync(delivered[0][..^4] + ".envelope.json")).Should().NotContain("victim@customer.example.com");
    }

    [Test]
    public async Task Commands_after_a_bare_lf_are_not_executed_and_the_session_stays_usable()
    {
        await using var client = await ConnectAsync();
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO raw.test")).Code.Should().Be(250);
        await client.SendAsync("MAIL FROM:<tanaka@example.co.jp>\nRCPT TO:<victim@customer.example.com>\r\n");
        await client.ReadReplyAsync(); // SmtpServer reads it as one MAIL line: the text after the LF never becomes a command
        (await client.CommandAsync("DATA")).Code.Should().BeInRange(500, 599, "the RCPT after the bare LF was not executed");
        (await client.CommandAsync("NOOP")).Code.Should().Be(250);
    }

    [Test]
    public async Task An_overlong_command_line_is_refused_and_the_gateway_keeps_serving()
    {
        await using (var client = await ConnectAsync())
        {
            (await client.ReadReplyAsync()).Code.Should().Be(220);
            await client.SendAsync("EHLO " + new string('a', 200_000) + "\r\n");
            var reply = await client.TryReadReplyAsync(TimeSpan.FromSeconds(10));
            (reply is { Code: >= 500 } || client.IsClosedByServer).Should().BeTrue($"a 200 KB command line is never accepted (got {reply?.Code})");
        }

        var ok = await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "after"), "tanaka@example.co.jp",
            "suzuki@example.co.jp");
        ok.Should().StartWith("2.0.0");
    }

    [Test]
    public async Task Pipelined_data_sent_before_the_354_does_not_become_commands_or_mail()
    {
        await using var client = await ConnectAsync();
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO raw.test")).Code.Should().Be(250);
        // No valid recipient, so DATA is refused; the client pushes the body anyway, as abuse or a broken pipeline would.
        await client.SendAsync("MAIL FROM:<tanaka@example.co.jp>\r\nDATA\r\nSubject: nope\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        var replies = new List<int>();
        while (await client.TryReadReplyAsync(TimeSpan.FromSeconds(3)) is { } reply)
        {
            replies.Add(reply.Code);
        }

        replies.Should().StartWith([250]).And.NotContain(354, "DATA without a recipient is refused");
        await Task.Delay(1000);
        (await _gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(100))).Should().BeEmpty();
    }

    [Test]
    public async Task A_message_over_the_size_limit_is_refused_with_552()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxMessageBytes"] = "4096" });
        await using var client = await RawSmtpClient.ConnectAsync("127.0.0.1", gateway.Smtp.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO raw.test")).Text.Should().Contain("SIZE 4096");
        (await client.CommandAsync("MAIL FROM:<tanaka@example.co.jp> SIZE=10000")).Code.Should().Be(552);
        (await client.CommandAsync("MAIL FROM:<tanaka@example.co.jp>")).Code.Should().Be(250);
        (await client.CommandAsync("RCPT TO:<suzuki@example.co.jp>")).Code.Should().Be(250);
        (await client.CommandAsync("DATA")).Code.Should().Be(354);
        await client.SendAsync(Encoding.ASCII.GetBytes("Subject: big\r\n\r\n" + new string('x', 10_000) + "\r\n.\r\n"));
        var reply = await client.TryReadReplyAsync(TimeSpan.FromSeconds(10));
        (reply?.Code == 552 || client.IsClosedByServer).Should().BeTrue($"got {reply?.Code}");
        (await gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(500))).Should().BeEmpty();
    }
}
