using System.Text.Json;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Nodes;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// <c>safemail health</c> as a monitoring check covers the retention purge, as the README says; the display zone is a
/// checked setting for the command line too.
/// </summary>
[NonParallelizable]
public class HealthCommandTests
{
    private string _data = null!;
    private string _settings = null!;

    [SetUp]
    public void SetUp()
    {
        _data = Directory.CreateTempSubdirectory("safemail-health-").FullName;
        _settings = Settings(new Dictionary<string, object?> { ["DataDirectory"] = _data });
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // nothing holds the file when it is deleted (SQLite run)
        Directory.Delete(_data, recursive: true);
    }

    [Test]
    public async Task A_failed_retention_purge_fails_the_check_with_its_error()
    {
        await WriteNodeAsync(new PurgeRun(DateTimeOffset.UtcNow.AddMinutes(-5), false, "database is locked"));

        var result = await SafemailProcess.RunAsync("--settings", _settings, "health");

        result.ExitCode.Should().Be(1, result.Out);
        result.Out.Should().MatchRegex(@"NG  retention purge: failed \(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d JST\) — database is locked");
        result.Out.Should().Contain("OK  node cli-node: running");
        var ja = await SafemailProcess.RunInAsync("ja", null, "--settings", _settings, "health");
        ja.Out.Should().Contain("NG  保存期間の削除: 失敗しました（");
    }

    [Test]
    public async Task An_overdue_retention_purge_fails_the_check_and_a_recent_one_passes()
    {
        await WriteNodeAsync(new PurgeRun(DateTimeOffset.UtcNow.AddHours(-3), true, "purged 2"));
        var overdue = await SafemailProcess.RunAsync("--settings", _settings, "health");
        overdue.ExitCode.Should().Be(1, overdue.Out);
        overdue.Out.Should().Contain("NG  retention purge: overdue, not run for over 2 hours (last ");

        await WriteNodeAsync(new PurgeRun(DateTimeOffset.UtcNow.AddMinutes(-20), true, "purged 2"));
        var fine = await SafemailProcess.RunInAsync("ja", null, "--settings", _settings, "health");
        fine.ExitCode.Should().Be(0, fine.Out);
        fine.Out.Should().MatchRegex(@"OK  保存期間の削除: 正常（\d{4}/\d\d/\d\d \d\d:\d\d:\d\d JST、2件削除）");
    }

    [Test]
    public async Task Times_follow_the_configured_zone_and_an_unknown_zone_is_refused_naming_the_key()
    {
        await WriteNodeAsync(new PurgeRun(DateTimeOffset.UtcNow.AddMinutes(-1), true, "purged 0"));
        var utc = Settings(new Dictionary<string, object?> { ["DataDirectory"] = _data }, "UTC");
        (await SafemailProcess.RunAsync("--settings", utc, "health")).Out.Should().MatchRegex(@"retention purge: ok \(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d UTC, purged 0\)");

        var bad = Settings(new Dictionary<string, object?> { ["DataDirectory"] = _data }, "Asia/Tokio");
        var refused = await SafemailProcess.RunAsync("--settings", bad, "quarantine", "list");
        refused.ExitCode.Should().Be(78);
        refused.Error.Should().StartWith("safemail: invalid settings: SafeMail:Console:TimeZone: ").And.Contain("Asia/Tokio");
    }

    private async Task WriteNodeAsync(PurgeRun purge)
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        await using var connection = await database.OpenAsync();
        var now = DateTimeOffset.UtcNow;
        await NodeStatusTable.WriteAsync(connection, null, new NodeStatus("cli-node", now, [], true, null, null, null, null)
        {
            StartedAt = now.AddDays(-1),
            LastPurge = purge,
        });
    }

    private string Settings(Dictionary<string, object?> gateway, string? timeZone = null)
    {
        var safeMail = new Dictionary<string, object?> { ["Gateway"] = gateway };
        if (timeZone is not null)
        {
            safeMail["Console"] = new Dictionary<string, object?> { ["TimeZone"] = timeZone };
        }

        var path = Path.Combine(_data, $"settings-{timeZone?.Replace('/', '-') ?? "default"}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object?> { ["SafeMail"] = safeMail }));
        return path;
    }
}
