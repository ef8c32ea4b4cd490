using System.Collections.Concurrent;
using System.Globalization;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>
/// After a 250 the message is never lost: the gateway process is killed with SIGKILL in the middle of a load of a few
/// hundred messages, started again on the same data, and every message that got a 250 must reach the upstream
/// (duplicates are possible — a delivery the crash interrupted before it was recorded is repeated — and are reported).
/// </summary>
[NonParallelizable]
public class CrashSafetyTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Every_acknowledged_message_is_delivered_after_a_kill_9(CancellationToken cancellationToken)
    {
        await using var upstream = await CapturingSmtpServer.StartAsync(cancellationToken: cancellationToken);
        var data = Directory.CreateTempSubdirectory("safemail-crash-").FullName;
        var settings = new Dictionary<string, object?>
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = data, ["NodeId"] = "crash-node", ["ServerName"] = "gw.crash.test" },
            ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
            ["Policy"] = new Dictionary<string, object?> { ["InternalDomains"] = new[] { "example.co.jp" } },
            ["Delivery"] = new Dictionary<string, object?>
            {
                ["Smarthost"] = new Dictionary<string, object?> { ["Host"] = "127.0.0.1", ["Port"] = upstream.Port, ["Tls"] = "None" },
                ["InitialRetryDelay"] = "00:00:01",
                ["MaxRetryDelay"] = "00:00:02",
            },
        };

        var acknowledged = new ConcurrentBag<string>();
        var gateway = await GatewayProcess.StartAsync(data, settings);
        using (var load = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var senders = Enumerable.Range(0, 4).Select(client => SendUntilStoppedAsync(gateway.Smtp.Port, client, acknowledged, load.Token)).ToList();
            while (acknowledged.Count < 300)
            {
                await Task.Delay(20, cancellationToken);
            }

            gateway.Kill();
            var killedAt = acknowledged.Count;
            await load.CancelAsync();
            await Task.WhenAll(senders);
            TestContext.Out.WriteLine($"killed after {killedAt} acknowledgements ({acknowledged.Count} in total), upstream had {upstream.Messages.Count}");
        }

        await using var restarted = await GatewayProcess.StartAsync(data, settings);
        var expected = acknowledged.ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !expected.IsSubsetOf(Delivered(upstream)))
        {
            await Task.Delay(200, cancellationToken);
        }

        var delivered = upstream.Messages.Select(MessageId).ToList();
        var missing = expected.Except(delivered).ToList();
        var duplicates = delivered.GroupBy(d => d).Count(g => g.Count() > 1);
        TestContext.Out.WriteLine($"acknowledged {expected.Count}, delivered {delivered.Count} ({delivered.Distinct().Count()} distinct), duplicates {duplicates}, missing {missing.Count}");
        missing.Should().BeEmpty("every message that got a 250 must be delivered after the crash");
        Directory.Delete(data, recursive: true);
    }

    private static HashSet<string> Delivered(CapturingSmtpServer upstream) => upstream.Messages.Select(MessageId).ToHashSet();

    private static string MessageId(CapturedMessage message)
    {
        var text = message.Text;
        var start = text.IndexOf("Message-Id: <", StringComparison.OrdinalIgnoreCase);
        return start < 0 ? "" : text[(start + 13)..text.IndexOf('>', start)];
    }

    private static async Task SendUntilStoppedAsync(int port, int clientNumber, ConcurrentBag<string> acknowledged, CancellationToken stop)
    {
        var sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = new SmtpClient();
                await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, stop);
                while (!stop.IsCancellationRequested)
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"crash-{clientNumber}-{sequence++}@test.example.co.jp");
                    var message = TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "負荷 " + id);
                    message.MessageId = id;
                    await client.SendAsync(message, stop);
                    acknowledged.Add(id); // only after the 250
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SmtpProtocolException or SmtpCommandException
                or System.Net.Sockets.SocketException or ServiceNotConnectedException)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }
    }
}
