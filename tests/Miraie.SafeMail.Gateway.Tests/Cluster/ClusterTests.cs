using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.DataProtection;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Passwords;

namespace Miraie.SafeMail.Gateway.Tests.Cluster;

/// <summary>
/// Two gateway nodes, each with its own data directory and node id, on one PostgreSQL database: what one node accepted,
/// the other shows, releases and delivers. Runs against PostgreSQL only (tests/run-all.sh runs the category there).
/// </summary>
[Category("PostgreSql")]
public class ClusterTests
{
    [SetUp]
    public void NeedsPostgreSql() =>
        Assert.That(TestDatabase.IsPostgreSql, "two nodes share a database only with PostgreSQL: run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");

    [Test]
    public async Task Mail_quarantined_by_one_node_is_shown_and_released_once_from_the_other_when_both_click()
    {
        var pickup = Directory.CreateTempSubdirectory("safemail-cluster-pickup-").FullName;
        await using var a = await TestGateway.StartAsync(Node("node-a", pickup));
        await using var b = await TestGateway.StartAsync(Node("node-b", pickup, sharing: a));
        var sent = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書", TestMessages.Pdf);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(a.Smtp, sent, "tanaka@example.co.jp", "buyer@customer.example.com"));

        // Node b shows the message node a quarantined, with its bytes (a node that kept them on its own disk could not).
        var (shown, _) = (await b.Get<QuarantineService>().ShowAsync(id))!.Value;
        shown.State.Should().Be(MessageState.Quarantined);
        shown.NodeId.Should().Be("node-a");
        await using (var original = await b.Get<QuarantineService>().OpenOriginalAsync(shown))
        {
            var parsed = await MimeKit.MimeMessage.LoadAsync(original);
            parsed.Subject.Should().Be("見積書");
            original.Length.Should().Be(shown.Size);
        }

        // Two operators on two nodes click "release" at the same moment: one release, one delivery.
        var request = new ReleaseRequest("web:operator1", MayReleaseRisky: true, "取引先の依頼");
        var results = await Task.WhenAll(
            Task.Run(() => a.Get<QuarantineService>().ReleaseAsync(id, request)),
            Task.Run(() => b.Get<QuarantineService>().ReleaseAsync(id, request)));
        results.Count(r => r.Released).Should().Be(1, "exactly one of the two clicks releases");

        var delivered = await WaitForFilesAsync(pickup, 1);
        delivered.Should().ContainSingle().Which.Should().Contain(id);
        await Task.Delay(3000); // two poll rounds of both nodes: a second delivery would show up here
        Directory.GetFiles(pickup, "*.envelope.json").Should().HaveCount(1, "the released message is delivered once, by one node");
        var (after, history) = (await a.Get<QuarantineService>().ShowAsync(id))!.Value;
        after.State.Should().Be(MessageState.Delivered);
        history.Count(h => h.Action == "release").Should().Be(1);
    }

    [Test]
    public async Task A_first_start_on_an_empty_database_logs_no_error()
    {
        // Data protection reads its key ring from the database as the host starts, before the startup's migration would
        // have made the table: an operator's first start must not open with an error and a stack trace.
        await using var gateway = await TestGateway.StartAsync(Node("node-a", Directory.CreateTempSubdirectory("safemail-cluster-pickup-").FullName));
        gateway.Get<IDataProtectionProvider>().CreateProtector("test").Protect("x"u8.ToArray()).Should().NotBeEmpty();
        gateway.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Should().BeEmpty();
    }

    [Test]
    public async Task A_node_that_stops_hands_its_queue_to_the_other_at_once_not_after_the_lease_time()
    {
        // Node a's upstream takes the connection and never answers: a's queue is leased and stuck there (lease: 1 hour).
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    held.Add(await blackHole.AcceptTcpClientAsync());
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
        var pickup = Directory.CreateTempSubdirectory("safemail-cluster-pickup-").FullName;
        var upstream = new Dictionary<string, string?>(Node("node-a", pickup))
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = ((IPEndPoint)blackHole.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
            ["SafeMail:Delivery:MaxParallel"] = "1",
        };
        var a = await TestGateway.StartAsync(upstream);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(Mailer.QueueIdOf(await Mailer.SendAsync(a.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], $"社内連絡 {i}"),
                "tanaka@example.co.jp", "suzuki@example.co.jp")));
        }

        await using var b = await TestGateway.StartAsync(Node("node-b", pickup, sharing: a));
        await Task.Delay(3000);
        Directory.GetFiles(pickup, "*.envelope.json").Should().BeEmpty("node b leaves alone what node a holds a lease on");

        // safemail health shows both nodes and what each holds.
        var health = (await Gateway.Health.HealthCheck.CheckAsync(b.Get<SafeMail.Storage.SafeMailDatabase>(), TimeProvider.System, b.Get<DisplayTime>()))
            .Select(l => l.Text.En).ToList();
        health.Should().Contain(l => l.StartsWith("node node-a: running", StringComparison.Ordinal));
        health.Should().Contain(l => l.StartsWith("node node-b: running", StringComparison.Ordinal));
        health.Should().Contain($"  delivering or about to: {ids.Count} queued messages", "node a holds its whole queue");

        await a.StopAsync(); // graceful: the leases go back at once
        var delivered = await WaitForFilesAsync(pickup, ids.Count);
        delivered.Should().HaveCount(ids.Count, "node b delivers node a's queue right after a's stop, not an hour later");
        health = (await Gateway.Health.HealthCheck.CheckAsync(b.Get<SafeMail.Storage.SafeMailDatabase>(), TimeProvider.System, b.Get<DisplayTime>()))
            .Select(l => l.Text.En).ToList();
        health.Should().Contain(l => l.StartsWith("node node-a: stopped", StringComparison.Ordinal), "a graceful stop is told apart from a crash");
        health.Should().NotContain(l => l.StartsWith("no node is running", StringComparison.Ordinal));
        foreach (var id in ids)
        {
            delivered.Should().Contain(f => f.Contains(id, StringComparison.Ordinal));
        }

        await a.DisposeAsync();
        blackHole.Stop();
        held.ForEach(c => c.Dispose());
    }

    [Test]
    public async Task An_archive_password_stored_through_one_node_is_read_by_the_other()
    {
        var pickup = Directory.CreateTempSubdirectory("safemail-cluster-pickup-").FullName;
        await using var a = await TestGateway.StartAsync(Node("node-a", pickup));
        await using var b = await TestGateway.StartAsync(Node("node-b", pickup, sharing: a));
        var id = Guid.NewGuid().ToString("N");
        await a.Get<ArchivePasswords>().SaveAsync(new NewArchive(id, "tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書.zip", "aes256",
            "Pw-7f3k-Q9zx", new string('0', 64)), DateTimeOffset.UtcNow, CancellationToken.None);

        // The key ring is in the database: node b decrypts what node a encrypted, and protects with the same keys.
        (await b.Get<ArchivePasswords>().ReadAsync(id, "tanaka@example.co.jp", CancellationToken.None)).Should().Be("Pw-7f3k-Q9zx");
        var fromB = b.Get<IDataProtectionProvider>().CreateProtector("cluster-test").Protect("cookie");
        a.Get<IDataProtectionProvider>().CreateProtector("cluster-test").Unprotect(fromB).Should().Be("cookie");
        Directory.Exists(Path.Combine(a.DataDirectory, "keys")).Should().BeFalse("with PostgreSQL no node keeps keys of its own");
    }

    /// <summary>A node's settings: its id, a shared pickup folder, and (for the second node) the first node's database.</summary>
    private static Dictionary<string, string?> Node(string id, string pickup, TestGateway? sharing = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeMail:Gateway:NodeId"] = id,
            ["SafeMail:Delivery:PickupDirectory"] = pickup,
            ["SafeMail:Delivery:LeaseTime"] = "01:00:00",
        };
        if (sharing is not null)
        {
            foreach (var (key, value) in TestDatabase.Settings(sharing.DataDirectory))
            {
                settings[key] = value;
            }
        }

        return settings;
    }

    private static async Task<IReadOnlyList<string>> WaitForFilesAsync(string pickup, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var done = Directory.GetFiles(pickup, "*.envelope.json");
            if (done.Length >= count || DateTime.UtcNow > deadline)
            {
                return done;
            }

            await Task.Delay(100);
        }
    }
}
