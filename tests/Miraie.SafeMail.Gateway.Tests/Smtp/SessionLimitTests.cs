using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>
/// SMTP stays available under abuse: idle connections from one address, or a crowd of strangers, cannot keep another
/// client — least of all a trusted mail server — from getting its 220 and relaying.
/// </summary>
public class SessionLimitTests
{
    private static readonly TimeSpan LineWait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Idle_connections_from_one_address_do_not_lock_out_another_client()
    {
        // The reviewer's case, with the shipped limits: 250 connections that never speak, more than MaxConnections (200).
        await using var gateway = await TestGateway.StartAsync();
        var idle = await IdleConnection.OpenManyAsync(gateway.Smtp, "127.0.0.2", 250);
        try
        {
            var first = await Task.WhenAll(idle.Select(c => c.FirstLineAsync(LineWait)));
            first.Count(l => l?.StartsWith("220 ", StringComparison.Ordinal) == true).Should().Be(50, "MaxConnectionsPerClient is 50");
            first.Where(l => l?.StartsWith("220 ", StringComparison.Ordinal) != true).Should()
                .AllSatisfy(l => l.Should().Be("421 4.7.0 gw.test.example.co.jp Error: too many connections from 127.0.0.2"));

            await using var other = await RawSmtpClient.ConnectAsync("127.0.0.1", gateway.Smtp.Port);
            (await other.ReadReplyAsync(LineWait)).Code.Should().Be(220);
            var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "idle crowd"),
                "tanaka@example.co.jp", "suzuki@example.co.jp");
            reply.Should().StartWith("2.0.0 Ok: queued as ");
            (await gateway.WaitForPickupAsync(1)).Should().ContainSingle();
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task Strangers_cannot_take_the_slots_reserved_for_trusted_networks()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Smtp:TrustedNetworks:0"] = "127.0.0.1/32",
            ["SafeMail:Smtp:MaxConnections"] = "4",
            ["SafeMail:Smtp:ReservedTrustedConnections"] = "2",
        });
        var strangers = new List<IdleConnection>();
        try
        {
            foreach (var address in new[] { "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5" })
            {
                strangers.Add(await IdleConnection.OpenAsync(gateway.Smtp, address));
            }

            var first = await Task.WhenAll(strangers.Select(c => c.FirstLineAsync(LineWait)));
            first.Take(2).Should().AllSatisfy(l => l.Should().StartWith("220 "));
            first.Skip(2).Should().AllSatisfy(l => l.Should().Be("421 4.3.2 gw.test.example.co.jp Error: too many sessions, try again later"),
                "the other two slots are for the trusted network only");

            var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "reserved"),
                "tanaka@example.co.jp", "suzuki@example.co.jp");
            reply.Should().StartWith("2.0.0 Ok: queued as ", "a trusted client takes a reserved slot");
        }
        finally
        {
            strangers.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task Refused_connections_are_logged_once_not_once_each()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxConnectionsPerClient"] = "2" },
            services: s => s.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, "Miraie.SafeMail.Gateway.Smtp", LogLevel.Information, null))));
        var connections = await IdleConnection.OpenManyAsync(gateway.Smtp, "127.0.0.2", 12);
        try
        {
            var first = await Task.WhenAll(connections.Select(c => c.FirstLineAsync(LineWait)));
            first.Count(l => l?.StartsWith("421 4.7.0 ", StringComparison.Ordinal) == true).Should().Be(10);
            gateway.Logs.Entries.Where(e => e.Text.Contains("refused", StringComparison.Ordinal)).Should().ContainSingle()
                .Which.Should().Match<(LogLevel Level, string Category, string Text)>(e => e.Level == LogLevel.Information
                    && e.Text == "SMTP connection from 127.0.0.2 refused: 2 sessions from this client already (SafeMail:Smtp:MaxConnectionsPerClient)");
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task Other_addresses_still_get_in_when_one_has_reached_its_limit()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxConnectionsPerClient"] = "3" });
        var hog = await IdleConnection.OpenManyAsync(gateway.Smtp, "127.0.0.2", 4);
        try
        {
            (await hog[3].FirstLineAsync(LineWait)).Should().StartWith("421 4.7.0 ");
            using var neighbour = await IdleConnection.OpenAsync(gateway.Smtp, "127.0.0.3");
            (await neighbour.FirstLineAsync(LineWait)).Should().StartWith("220 ", "the limit is per address");

            hog[0].Dispose(); // a session ends: its address may open another
            await WaitUntilAsync(async () =>
            {
                using var again = await IdleConnection.OpenAsync(gateway.Smtp, "127.0.0.2");
                return (await again.FirstLineAsync(LineWait))?.StartsWith("220 ", StringComparison.Ordinal) == true;
            });
        }
        finally
        {
            hog.ForEach(c => c.Dispose());
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold soon");
            await Task.Delay(100);
        }
    }
}
