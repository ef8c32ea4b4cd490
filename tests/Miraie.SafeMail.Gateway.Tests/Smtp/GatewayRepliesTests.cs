using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>
/// Every reply a client can get is the gateway's own, with an RFC 3463 enhanced status code (RFC 2034 exempts only the
/// greeting and the HELO/EHLO reply), never SmtpServer's wording ("haven't we met before?", "retry(ies) remaining").
/// </summary>
public class GatewayRepliesTests
{
    private static readonly string[] LibraryWording =
        ["haven't we met", "retry(ies)", "maximium", "be cancelled", "Unrecognized command", "expected ", "ready when you are", "go ahead", "bye"];

    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxMessageBytes"] = "100000" });

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    private Task<RawSmtpClient> ConnectAsync() => RawSmtpClient.ConnectAsync("127.0.0.1", _gateway.Smtp.Port);

    [Test]
    public async Task A_session_with_every_kind_of_command_gets_the_gateways_replies()
    {
        await using var client = await ConnectAsync();
        var replies = new List<SmtpReply> { await client.ReadReplyAsync() };
        async Task<string> Say(string command)
        {
            var reply = await client.CommandAsync(command);
            replies.Add(reply);
            return reply.Lines[0];
        }

        replies[0].Lines.Should().Equal("220 gw.test.example.co.jp ESMTP Miraie SafeMail");
        (await Say("HELO client.test")).Should().Be("250 gw.test.example.co.jp");
        (await Say("EHLO client.test")).Should().Be("250-gw.test.example.co.jp");
        (await Say("NOOP")).Should().Be("250 2.0.0 Ok");
        (await Say("RCPT TO:<suzuki@example.co.jp>")).Should().Be("503 5.5.1 Error: bad sequence of commands");
        (await Say("XYZZY")).Should().Be("502 5.5.2 Error: command not recognized");
        (await Say("MAIL TO:<suzuki@example.co.jp>")).Should().Be("501 5.5.4 Syntax: MAIL FROM:<address>");
        (await Say("MAIL FROM:<tanaka@example.co.jp> SIZE=200000")).Should().Be("552 5.3.4 Error: message size exceeds fixed limit");
        (await Say("MAIL FROM:<tanaka@example.co.jp>")).Should().Be("250 2.1.0 Ok");
        (await Say("DATA")).Should().Be("503 5.5.1 Error: bad sequence of commands");
        (await Say("RCPT FROM:<suzuki@example.co.jp>")).Should().Be("501 5.5.4 Syntax: RCPT TO:<address>");
        (await Say("RCPT TO:<suzuki@example.co.jp>")).Should().Be("250 2.1.5 Ok");
        (await Say("DATA")).Should().Be("354 End data with <CR><LF>.<CR><LF>");
        (await Say("Subject: replies\r\n\r\nhello\r\n.")).Should().StartWith("250 2.0.0 Ok: queued as ");
        (await Say("RSET")).Should().Be("250 2.0.0 Ok");
        (await Say("QUIT")).Should().Be("221 2.0.0 Bye");

        replies.SelectMany(r => r.Lines).Should().AllSatisfy(line => LibraryWording.Should().NotContain(w => line.Contains(w, StringComparison.Ordinal)));
        replies.Skip(3).Where(r => r.Code != 354).Should().AllSatisfy(r => r.Text.Should().MatchRegex(@"^[245]\.\d+\.\d+ "));
    }

    [Test]
    public async Task A_proxy_line_gets_a_refusal_instead_of_silence()
    {
        await using var client = await ConnectAsync();
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("PROXY TCP4 192.0.2.1 192.0.2.2 12345 25")).Lines.Should().Equal("502 5.5.1 Error: command not implemented");
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
    }

    [Test]
    public async Task Twenty_errors_end_the_session_with_a_421()
    {
        await using var client = await ConnectAsync();
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        for (var i = 0; i < 19; i++)
        {
            (await client.CommandAsync("XYZZY")).Lines.Should().Equal("502 5.5.2 Error: command not recognized");
        }

        await client.SendLineAsync("XYZZY");
        (await client.ReadReplyAsync()).Code.Should().Be(502);
        (await client.ReadReplyAsync()).Lines.Should().Equal("421 4.7.0 gw.test.example.co.jp Error: too many errors");
        (await client.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Test]
    public async Task Excess_recipients_are_not_errors_and_the_transaction_goes_on()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxRecipients"] = "2" });
        await using var client = await RawSmtpClient.ConnectAsync("127.0.0.1", gateway.Smtp.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
        (await client.CommandAsync("MAIL FROM:<tanaka@example.co.jp>")).Code.Should().Be(250);
        var recipients = Enumerable.Range(1, 40).Select(i => $"user{i}@example.co.jp").ToList();
        await client.SendAsync(string.Concat(recipients.Select(r => $"RCPT TO:<{r}>\r\n"))); // pipelined, as an MTA sends them
        var replies = new List<string>();
        foreach (var _ in recipients)
        {
            replies.Add((await client.ReadReplyAsync()).Lines.Single());
        }

        replies.Should().Equal([.. Enumerable.Repeat("250 2.1.5 Ok", 2), .. Enumerable.Repeat("452 4.5.3 Error: too many recipients", 38)]);
        (await client.CommandAsync("DATA")).Code.Should().Be(354, "38 refused recipients are more than the error limit, but not errors");
        (await client.CommandAsync("Subject: two of forty\r\n\r\nhello\r\n.")).Code.Should().Be(250);
        var delivered = await gateway.WaitForPickupAsync(1);
        (await File.ReadAllTextAsync(delivered[0][..^4] + ".envelope.json")).Should().Contain("user1@example.co.jp").And.Contain("user2@example.co.jp")
            .And.NotContain("user3@example.co.jp");
    }

    [Test]
    public async Task A_session_open_when_the_gateway_stops_is_told_so_with_a_421()
    {
        var gateway = await TestGateway.StartAsync();
        try
        {
            await using var client = await RawSmtpClient.ConnectAsync("127.0.0.1", gateway.Smtp.Port);
            (await client.ReadReplyAsync()).Code.Should().Be(220);
            (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
            var stopping = gateway.StopAsync();
            (await client.ReadReplyAsync()).Lines.Should().Equal("421 4.3.2 gw.test.example.co.jp Service shutting down, closing connection");
            await stopping;
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
