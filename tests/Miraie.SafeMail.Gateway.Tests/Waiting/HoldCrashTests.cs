using System.Diagnostics;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>
/// The clock of held mail lives in the database, not in a process: the gateway is killed with SIGKILL while it holds
/// messages and started again on the same data; the messages leave at their time — not early, not lost.
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
        var settings = new Dictionary<string, object?>
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = data, ["NodeId"] = "hold-node", ["ServerName"] = "gw.hold.test" },
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

        var clock = Stopwatch.StartNew();
        var gateway = await GatewayProcess.StartAsync(data, settings);
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

        gateway.Kill();
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await using var restarted = await GatewayProcess.StartAsync(data, settings);

        // Not early: until just before the first message's time, nothing has left.
        var notBefore = firstAccepted + Hold - TimeSpan.FromSeconds(1);
        clock.Elapsed.Should().BeLessThan(notBefore, "the restart must come before the hold ends for this test to mean anything");
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
        Directory.Delete(data, recursive: true);
    }
}
