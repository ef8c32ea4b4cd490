using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>
/// Silent clients lose their slot: a short wait for the first command, and a short idle timeout while the gateway is busy
/// (Postfix's stress-dependent smtpd_timeout). The gateway's clock is a fake one moved by the test, so nothing here waits
/// for real time to pass.
/// </summary>
public class SessionTimeoutTests
{
    private const string TimedOut = "421 4.4.2 gw.test.example.co.jp Error: timeout exceeded";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private Task<TestGateway> StartAsync(Dictionary<string, string?>? settings = null) =>
        TestGateway.StartAsync(settings, services: s => s.AddSingleton<TimeProvider>(_time));

    private static async Task<RawSmtpClient> HelloAsync(TestGateway gateway)
    {
        var client = await RawSmtpClient.ConnectAsync("127.0.0.1", gateway.Smtp.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
        return client;
    }

    /// <summary>Moves the clock in steps until the client gets a reply: a step taken while the server was still between its reply and its next read is not lost.</summary>
    private async Task<SmtpReply> AdvanceUntilReplyAsync(RawSmtpClient client, TimeSpan step)
    {
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(step);
            if (await client.TryReadReplyAsync(TimeSpan.FromSeconds(2)) is { } reply)
            {
                return reply;
            }
        }

        throw new TimeoutException("no reply; transcript:\n" + string.Join('\n', client.Transcript));
    }

    [Test]
    public async Task A_client_that_never_sends_a_command_is_closed_after_the_first_command_timeout()
    {
        await using var gateway = await StartAsync();
        await using var silent = await RawSmtpClient.ConnectAsync("127.0.0.1", gateway.Smtp.Port);
        (await silent.ReadReplyAsync()).Code.Should().Be(220);
        await using var talking = await HelloAsync(gateway);

        _time.Advance(TimeSpan.FromSeconds(31)); // FirstCommandTimeout is 30 s
        (await silent.ReadReplyAsync()).Lines.Should().Equal(TimedOut);
        (await silent.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        (await talking.CommandAsync("NOOP")).Lines.Should().Equal(["250 2.0.0 Ok"], "after its first command a client has SessionTimeout (5 minutes)");
    }

    [Test]
    public async Task While_the_gateway_is_busy_silent_sessions_get_the_short_timeout()
    {
        await using var gateway = await StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Smtp:MaxConnections"] = "3",
            ["SafeMail:Smtp:ReservedTrustedConnections"] = "1", // busy from 2 sessions on
        });
        await using var first = await HelloAsync(gateway);
        _time.Advance(TimeSpan.FromMinutes(4));
        (await first.CommandAsync("NOOP")).Code.Should().Be(250, "one session is not busy: SessionTimeout (5 minutes) applies");

        await using var second = await HelloAsync(gateway); // now busy: only the reserved trusted slot is free
        (await AdvanceUntilReplyAsync(first, TimeSpan.FromSeconds(11))).Lines.Should().Equal(TimedOut);
        (await first.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Test]
    public async Task A_client_silent_mid_message_is_closed_with_one_421_and_nothing_is_accepted()
    {
        await using var gateway = await StartAsync();
        await using var client = await HelloAsync(gateway);
        (await client.CommandAsync("MAIL FROM:<tanaka@example.co.jp>")).Code.Should().Be(250);
        (await client.CommandAsync("RCPT TO:<suzuki@example.co.jp>")).Code.Should().Be(250);
        (await client.CommandAsync("DATA")).Code.Should().Be(354);
        await client.SendAsync("Subject: half\r\n\r\nthe rest never comes");

        (await AdvanceUntilReplyAsync(client, TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1))).Lines.Should().Equal(TimedOut);
        (await client.TryReadReplyAsync(TimeSpan.FromSeconds(10))).Should().BeNull("nothing follows the 421");
        client.IsClosedByServer.Should().BeTrue();
        (await gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(500))).Should().BeEmpty();
    }
}
