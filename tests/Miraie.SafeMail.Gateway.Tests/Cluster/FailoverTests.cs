using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Cluster;

/// <summary>
/// Two real gateway processes on one PostgreSQL database, clients sending to both (falling back to the other when one
/// does not answer, as an MX list or a load balancer does). Node a is SIGKILLed again and again — kept down longer than
/// the lease time, so node b takes its leased queue over — and restarted. Every message answered 250 reaches the
/// upstream (duplicates counted and reported, none lost), and mail node a quarantined before a kill is released through
/// another node and delivered.
/// </summary>
[Category("PostgreSql")]
[NonParallelizable]
public class FailoverTests
{
    private const int Rounds = 3;

    [SetUp]
    public void NeedsPostgreSql() =>
        Assert.That(TestDatabase.IsPostgreSql, "two nodes share a database only with PostgreSQL: run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");

    [Test]
    [CancelAfter(300_000)]
    public async Task Every_acknowledged_message_is_delivered_while_one_node_is_killed_again_and_again(CancellationToken cancellationToken)
    {
        await using var upstream = await CapturingSmtpServer.StartAsync(cancellationToken: cancellationToken);
        var dataA = Directory.CreateTempSubdirectory("safemail-failover-a-").FullName;
        var dataB = Directory.CreateTempSubdirectory("safemail-failover-b-").FullName;
        var nodeA = await GatewayProcess.StartAsync(dataA, Settings(dataA, "node-a", upstream));
        await using var nodeB = await GatewayProcess.StartAsync(dataB, Settings(dataB, "node-b", upstream), database: TestDatabase.Environment(dataA));
        var endpoints = new IPEndPoint?[] { nodeA.Smtp, nodeB.Smtp };

        var acknowledged = new ConcurrentDictionary<string, string>(); // Message-Id -> node that said 250
        var quarantined = new ConcurrentBag<string>(); // queue ids of external mail node a quarantined
        using var load = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senders = Enumerable.Range(0, 4).Select(client => SendUntilStoppedAsync(endpoints, client, acknowledged, load.Token)).ToList();

        for (var round = 0; round < Rounds; round++)
        {
            var before = acknowledged.Count;
            while (acknowledged.Count < before + 60)
            {
                await Task.Delay(20, cancellationToken);
            }

            // An external PDF to node a: quarantined there, just before it dies.
            var reply = await Mailer.SendAsync(endpoints[0]!, TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], $"見積書 {round}",
                TestMessages.Pdf), "tanaka@example.co.jp", "buyer@customer.example.com");
            quarantined.Add(Mailer.QueueIdOf(reply));

            nodeA.Kill();
            endpoints[0] = null;
            TestContext.Out.WriteLine($"round {round}: node a killed after {acknowledged.Count} acknowledgements");
            await Task.Delay(TimeSpan.FromSeconds(8), cancellationToken); // longer than the lease time: node b takes a's queue over
            nodeA = await GatewayProcess.StartAsync(dataA, Settings(dataA, "node-a", upstream));
            endpoints[0] = nodeA.Smtp;
        }

        await load.CancelAsync();
        await Task.WhenAll(senders);

        // The quarantined mail of the killed node: shown and released through another node (as its console does), delivered once.
        await using (var console = await TestGateway.StartAsync(new Dictionary<string, string?>(TestDatabase.Settings(dataA))
                     {
                         ["SafeMail:Gateway:NodeId"] = "node-console",
                         ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
                         ["SafeMail:Delivery:Smarthost:Port"] = upstream.Port.ToString(CultureInfo.InvariantCulture),
                         ["SafeMail:Delivery:Smarthost:Tls"] = "None",
                     }))
        {
            foreach (var id in quarantined)
            {
                var (shown, _) = (await console.Get<QuarantineService>().ShowAsync(id, cancellationToken))!.Value;
                shown.State.Should().Be(MessageState.Quarantined);
                shown.NodeId.Should().Be("node-a");
                (await console.Get<QuarantineService>().ReleaseAsync(id, new ReleaseRequest("web:operator1", true, "取引先の依頼"), cancellationToken)).Released.Should().BeTrue();
            }

            var expected = acknowledged.Keys.ToHashSet();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && (!expected.IsSubsetOf(Delivered(upstream)) || Subjects(upstream).Count(s => s.StartsWith("見積書", StringComparison.Ordinal)) < Rounds))
            {
                await Task.Delay(200, cancellationToken);
            }

            var delivered = upstream.Messages.Select(MessageId).ToList();
            var missing = expected.Except(delivered).ToList();
            var duplicates = delivered.GroupBy(d => d).Sum(g => g.Count() - 1);
            var byB = acknowledged.Count(a => a.Value == "b");
            TestContext.Out.WriteLine($"acknowledged {expected.Count} (node b {byB}), delivered {delivered.Count} ({delivered.Distinct().Count()} distinct), " +
                                      $"duplicates {duplicates}, missing {missing.Count}");
            missing.Should().BeEmpty("every message answered 250 by either node reaches the upstream");
            Subjects(upstream).Where(s => s.StartsWith("見積書", StringComparison.Ordinal)).Should().HaveCount(Rounds, "each released message is delivered once");
        }

        await nodeA.DisposeAsync();
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task The_queue_of_a_node_killed_for_good_is_delivered_by_the_other_once_the_lease_time_has_passed(CancellationToken cancellationToken)
    {
        // Node a's upstream takes connections and never answers: a's queue stays leased to it when it is killed.
        using var blackHole = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new ConcurrentBag<System.Net.Sockets.TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    held.Add(await blackHole.AcceptTcpClientAsync(cancellationToken));
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return;
                }
            }
        }, cancellationToken);
        var dataA = Directory.CreateTempSubdirectory("safemail-failover-a-").FullName;
        var settings = Settings(dataA, "node-a", upstream: null);
        ((Dictionary<string, object?>)settings["Delivery"]!)["Smarthost"] = new Dictionary<string, object?>
        {
            ["Host"] = "127.0.0.1", ["Port"] = ((IPEndPoint)blackHole.LocalEndpoint).Port, ["Tls"] = "None",
        };
        var nodeA = await GatewayProcess.StartAsync(dataA, settings);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(Mailer.QueueIdOf(await Mailer.SendAsync(nodeA.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], $"社内連絡 {i}"),
                "tanaka@example.co.jp", "suzuki@example.co.jp")));
        }

        nodeA.Kill(); // power cut: its leases stay in the database
        var killedAt = DateTime.UtcNow;
        await using var nodeB = await TestGateway.StartAsync(new Dictionary<string, string?>(TestDatabase.Settings(dataA))
        {
            ["SafeMail:Gateway:NodeId"] = "node-b",
            ["SafeMail:Delivery:LeaseTime"] = "00:00:05",
        });
        var delivered = await nodeB.WaitForPickupAsync(ids.Count, TimeSpan.FromSeconds(60));
        var after = DateTime.UtcNow - killedAt;
        delivered.Should().HaveCount(ids.Count, "node b delivers what the dead node held once its leases ran out");
        foreach (var id in ids)
        {
            delivered.Should().Contain(f => f.Contains(id, StringComparison.Ordinal));
        }

        TestContext.Out.WriteLine($"node a's {ids.Count} messages delivered by node b {after.TotalSeconds:0.0} s after the kill (lease time 5 s)");
        await nodeA.DisposeAsync();
        blackHole.Stop();
        foreach (var client in held)
        {
            client.Dispose();
        }
    }

    private static Dictionary<string, object?> Settings(string data, string node, CapturingSmtpServer? upstream) => new()
    {
        ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = data, ["NodeId"] = node, ["ServerName"] = node + ".failover.test" },
        ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
        ["Policy"] = new Dictionary<string, object?> { ["InternalDomains"] = new[] { "example.co.jp" } },
        ["Delivery"] = new Dictionary<string, object?>
        {
            ["Smarthost"] = new Dictionary<string, object?> { ["Host"] = "127.0.0.1", ["Port"] = upstream?.Port ?? 0, ["Tls"] = "None" },
            ["InitialRetryDelay"] = "00:00:01",
            ["MaxRetryDelay"] = "00:00:02",
            ["LeaseTime"] = "00:00:05",
        },
    };

    private static HashSet<string> Delivered(CapturingSmtpServer upstream) => upstream.Messages.Select(MessageId).ToHashSet();

    private static List<string> Subjects(CapturingSmtpServer upstream) =>
        upstream.Messages.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Text))).Subject ?? "").ToList();

    private static string MessageId(CapturedMessage message)
    {
        var text = message.Text;
        var start = text.IndexOf("Message-Id: <", StringComparison.OrdinalIgnoreCase);
        return start < 0 ? "" : text[(start + 13)..text.IndexOf('>', start)];
    }

    /// <summary>One client: alternates between the nodes; a node that does not answer is skipped, as an MX list does.</summary>
    private static async Task SendUntilStoppedAsync(IPEndPoint?[] endpoints, int clientNumber, ConcurrentDictionary<string, string> acknowledged, CancellationToken stop)
    {
        var sequence = 0;
        var turn = clientNumber;
        while (!stop.IsCancellationRequested)
        {
            var node = turn++ % 2;
            if (endpoints[node] is not { } endpoint)
            {
                continue;
            }

            try
            {
                using var client = new SmtpClient();
                await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, stop);
                for (var i = 0; i < 10 && !stop.IsCancellationRequested; i++)
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"failover-{clientNumber}-{sequence++}@test.example.co.jp");
                    var message = TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "負荷 " + id);
                    message.MessageId = id;
                    await client.SendAsync(message, stop);
                    acknowledged[id] = node == 0 ? "a" : "b"; // only after the 250
                }

                await client.DisconnectAsync(true, stop);
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
