using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Gateway.Health;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Nodes;

namespace Miraie.SafeMail.Gateway.Tests.Health;

/// <summary><c>safemail health</c> covers the retention purge: its last run, its error, and whether it is overdue.</summary>
public class RetentionHealthTests
{
    [Test]
    public async Task A_purge_that_fails_is_reported_and_makes_the_health_check_fail()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Quarantine:Retention"] = "00:00:01" });
        var retention = gateway.Get<RetentionService>();
        (await retention.RunOnceAsync()).Ok.Should().BeTrue();
        await gateway.Get<HealthReporter>().ReportAsync();
        var healthy = await CheckAsync(gateway);
        healthy.Should().Contain(l => l.Ok && l.Text.En.StartsWith("retention purge: ok (", StringComparison.Ordinal) && l.Text.En.EndsWith(" JST, purged 0)", StringComparison.Ordinal));
        healthy.Should().Contain(l => l.Text.Ja.StartsWith("保存期間の削除: 正常（", StringComparison.Ordinal));

        // A real storage failure inside the purge: the database refuses to mark the expired message purged.
        await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "期限切れ", TestMessages.Pdf),
            "tanaka@example.co.jp", "buyer@customer.example.com");
        await using (var connection = await gateway.Get<SafeMailDatabase>().OpenAsync())
        {
            await using var trigger = connection.CreateCommand();
            trigger.CommandText = TestDatabase.IsPostgreSql
                ? """
                  CREATE FUNCTION refuse_purge() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN IF NEW.state = 'purged' THEN RAISE EXCEPTION 'database disk image is malformed'; END IF; RETURN NEW; END $$;
                  CREATE TRIGGER refuse_purge BEFORE UPDATE OF state ON messages FOR EACH ROW EXECUTE FUNCTION refuse_purge()
                  """
                : "CREATE TRIGGER refuse_purge BEFORE UPDATE OF state ON messages WHEN NEW.state = 'purged' BEGIN SELECT RAISE(ABORT, 'database disk image is malformed'); END";
            await trigger.ExecuteNonQueryAsync();
        }

        await Task.Delay(1100);
        var failed = await retention.RunOnceAsync();
        failed.Ok.Should().BeFalse();
        failed.Note.Should().Contain("malformed");
        await gateway.Get<HealthReporter>().ReportAsync();

        var lines = await CheckAsync(gateway);
        lines.Should().Contain(l => !l.Ok && l.Text.En.StartsWith("retention purge: failed (", StringComparison.Ordinal) && l.Text.En.Contains("malformed", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Text.Ja.StartsWith("保存期間の削除: 失敗しました（", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_purge_not_run_for_two_intervals_is_overdue_and_a_node_that_just_started_is_not()
    {
        var directory = Directory.CreateTempSubdirectory("safemail-health-").FullName;
        try
        {
            var database = new SafeMailDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "safemail.db"), Pooling = false }.ToString());
            await database.MigrateAsync();
            var now = DateTimeOffset.UtcNow;
            await using (var connection = await database.OpenAsync())
            {
                await NodeStatusTable.WriteAsync(connection, null, Node("stale", now) with
                {
                    StartedAt = now.AddDays(-2),
                    LastPurge = new PurgeRun(now - RetentionService.Interval * 2 - TimeSpan.FromMinutes(5), true, "purged 0"),
                });
                await NodeStatusTable.WriteAsync(connection, null, Node("starting", now) with { StartedAt = now.AddSeconds(-3) });
                await NodeStatusTable.WriteAsync(connection, null, Node("never", now) with { StartedAt = now.AddHours(-3) });
            }

            var lines = await HealthCheck.CheckAsync(database, TimeProvider.System, DisplayTime.Create("UTC"));

            lines.Should().Contain(l => !l.Ok && l.Text.En.StartsWith("retention purge: overdue, not run for over 2 hours (last ", StringComparison.Ordinal)
                && l.Text.En.EndsWith(" UTC)", StringComparison.Ordinal));
            lines.Should().Contain(l => l.Ok && l.Text.En == "retention purge: not run yet (the node just started)");
            lines.Should().Contain(l => !l.Ok && l.Text.En == "retention purge: has not run");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static NodeStatus Node(string id, DateTimeOffset now) => new(id, now, [], true, null, null, null, null);

    private static Task<IReadOnlyList<HealthCheck.Line>> CheckAsync(TestGateway gateway) =>
        HealthCheck.CheckAsync(gateway.Get<SafeMailDatabase>(), TimeProvider.System, gateway.Get<DisplayTime>());
}
