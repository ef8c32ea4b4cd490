using System.Diagnostics;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>
/// The clock of held mail lives in the database, not in a process: the gateway is killed with SIGKILL while it holds
/// messages and started again on the same data — or, on PostgreSQL, never again while another node runs; the messages
/// leave at their time — not early, not lost.
/// </summary>
[NonParallelizable]
public class HoldCrashTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(12);

    [Test]
    [CancelAfter(180_000)]
    public async Task Held_mail_survives_a_kill_9_and_leaves_at_its_time_from_the_restarted_gateway(CancellationToken cancellationToken)
    {
        await using var upstream = await CapturingSmtpServer.StartAsync(cancellationToken: cancellationToken);
        var data = Directory.CreateTempSubdirectory("safemail-holdcrash-").FullName;
        var settings = Settings(data, upstream);
        var clock = Stopwatch.StartNew();
        var gateway = await GatewayProcess.StartAsync(data, settings);
        var (ids, firstAccepted) = await HoldTwentyAsync(gateway, clock);
        gateway.Kill();
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await using var restarted = await GatewayProcess.StartAsync(data, settings);
        await ExpectAtTheirTimeAsync(upstream, ids, firstAccepted, clock, cancellationToken);
        Directory.Delete(data, recursive: true);
    }

    [Test]
    [Category("PostgreSql")]
    [CancelAfter(180_000)]
    public async Task Held_mail_of_a_node_killed_for_good_leaves_at_its_time_from_another_node(CancellationToken cancellationToken)
    {
        Assert.That(TestDatabase.IsPostgreSql, "two nodes share a database only with PostgreSQL: run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");
        await using var upstream = await CapturingSmtpServer.StartAsync(cancellationToken: cancellationToken);
        var dataA = Directory.CreateTempSubdirectory("safemail-holdcrash-a-").FullName;
        var dataB = Directory.CreateTempSubdirectory("safemail-holdcrash-b-").FullName;
        var clock = Stopwatch.StartNew();
        var nodeA = await GatewayProcess.StartAsync(dataA, Settings(dataA, upstream, "hold-node-a"));
        var (ids, firstAccepted) = await HoldTwentyAsync(nodeA, clock);
        nodeA.Kill(); // and never started again
        await using var nodeB = await GatewayProcess.StartAsync(dataB, Settings(dataB, upstream, "hold-node-b"), database: TestDatabase.Environment(dataA));
        await ExpectAtTheirTimeAsync(upstream, ids, firstAccepted, clock, cancellationToken);
        Directory.Delete(dataA, recursive: true);
        Directory.Delete(dataB, recursive: true);
    }

    private static Dictionary<string, object?> Settings(string data, CapturingSmtpServer upstream, string node = "hold-node") => new()
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = data, ["NodeId"] = node, ["ServerName"] = "gw.hold.test" },
            ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
            ["Policy"] = new Dictionary<string, object?>
            {
                ["InternalDomains"] = new[] { "example.co.jp" },
                ["Rules"] = new object[]
                {
                    new Dictionary<string, object?> { ["Name"] = "hold-external", ["Action"] = "Hold", ["HoldFor"] = Hold.ToString(), ["When"] = new Dictionary<string, object?> { ["Recipients"] = "AnyExternal" } },
                    new Dictionary<string, object?> { ["Name"] = "default-pass", ["Action"] = "Pass" },
                },
            },
            ["Delivery"] = new Dictionary<string, object?>
            {
                ["Smarthost"] = new Dictionary<string, object?> { ["Host"] = "127.0.0.1", ["Port"] = upstream.Port, ["Tls"] = "None" },
                ["InitialRetryDelay"] = "00:00:01",
                ["MaxRetryDelay"] = "00:00:02",
            },
        };

    private static async Task<(List<string> Ids, TimeSpan FirstAccepted)> HoldTwentyAsync(GatewayProcess gateway, Stopwatch clock)
    {
        var ids = new List<string>();
        var firstAccepted = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], $"保留中 {i}"),
                "tanaka@example.co.jp", "buyer@customer.example.com");
            reply.Should().Contain("held");
            ids.Add(Mailer.QueueIdOf(reply));
            if (i == 0)
            {
                firstAccepted = clock.Elapsed;
            }
        }

        return (ids, firstAccepted);
    }

    private static async Task ExpectAtTheirTimeAsync(CapturingSmtpServer upstream, List<string> ids, TimeSpan firstAccepted, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        // Not early: until just before the first message's time, nothing has left.
        var notBefore = firstAccepted + Hold - TimeSpan.FromSeconds(1);
        clock.Elapsed.Should().BeLessThan(notBefore, "the restart (or the other node) must be up before the hold ends for this test to mean anything");
        while (clock.Elapsed < notBefore)
        {
            upstream.Messages.Should().BeEmpty($"nothing leaves before its time ({clock.Elapsed.TotalSeconds:0.0} s of {Hold.TotalSeconds} s)");
            await Task.Delay(200, cancellationToken);
        }

        // Not lost: all of them, each once, soon after their time.
        await upstream.WaitForMessagesAsync(ids.Count, TimeSpan.FromSeconds(60), cancellationToken);
        var delivered = upstream.Messages.Select(m => ids.Single(id => m.Text.Contains($"id={id}", StringComparison.Ordinal))).ToList();
        delivered.Should().BeEquivalentTo(ids, "every held message leaves once after the crash");
        TestContext.Out.WriteLine($"first accepted at {firstAccepted.TotalSeconds:0.0} s, all {ids.Count} delivered by {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
