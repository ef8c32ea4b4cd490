using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Observability;

/// <summary>
/// /health/ready says whether the gateway can accept mail durably now: 503 naming the part while the spool cannot be
/// written or the database cannot be written, 200 again once it can; /health/live stays 200 throughout. On both providers.
/// </summary>
public class ReadinessTests
{
    private const string Ready = "/health/ready";

    [Test]
    public async Task Ready_and_live_answer_200_with_each_part_named()
    {
        await using var gateway = await TestGateway.StartAsync(observability: true);

        var (code, body) = await PrometheusText.HealthAsync(gateway.Observability, Ready);
        code.Should().Be(200, body.ToString());
        body.GetProperty("status").GetString().Should().Be("Healthy");
        var checks = body.GetProperty("checks");
        checks.EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo("process", "database", "spool", "smtp");
        checks.GetProperty("smtp").GetProperty("description").GetString().Should().Contain(gateway.Smtp.ToString());
        body.ToString().Should().NotContain(gateway.DataDirectory, "no paths or settings in the answer");
        (await PrometheusText.HealthAsync(gateway.Observability, "/health/live")).Code.Should().Be(200);
        (await PrometheusText.ScrapeAsync(gateway.Observability)).Value("safemail_ready").Should().Be(1, "the same answer as a metric, for alert rules");
    }

    [Test]
    public async Task Ready_is_503_while_the_spool_cannot_be_written()
    {
        await using var gateway = await TestGateway.StartAsync(observability: true);
        (await PrometheusText.HealthAsync(gateway.Observability, Ready)).Code.Should().Be(200);

        await gateway.BreakSpoolAsync();
        try
        {
            var (code, body) = await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 503);
            code.Should().Be(503, body.ToString());
            body.GetProperty("status").GetString().Should().Be("Unhealthy");
            body.GetProperty("checks").GetProperty("spool").GetProperty("status").GetString().Should().Be("Unhealthy");
            body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Healthy");
            (await PrometheusText.HealthAsync(gateway.Observability, "/health/live")).Code.Should().Be(200, "the process itself is alive");
            (await PrometheusText.ScrapeAsync(gateway.Observability)).Value("safemail_ready").Should().Be(0, "alert rules see it too");
        }
        finally
        {
            await gateway.RepairSpoolAsync();
        }

        (await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 200)).Code.Should().Be(200, "the spool works again");
    }

    [Test]
    [Category("Sqlite")]
    public async Task Ready_is_503_while_the_database_takes_no_writes()
    {
        Assert.That(!TestDatabase.IsPostgreSql, "SQLite's database-wide write lock: the SQLite run only (PostgreSqlReadinessTests has PostgreSQL's counterparts)");

        await using var gateway = await TestGateway.StartAsync(observability: true);
        (await PrometheusText.HealthAsync(gateway.Observability, Ready)).Code.Should().Be(200);

        // Another process's transaction holds SQLite's write lock (what a stuck backup or a hand-run sqlite3 does).
        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(gateway.DataDirectory, "safemail.db")};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            var (code, body) = await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 503);
            code.Should().Be(503, body.ToString());
            body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Unhealthy");
            body.GetProperty("checks").GetProperty("spool").GetProperty("status").GetString().Should().Be("Healthy");

            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        (await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 200)).Code.Should().Be(200, "the lock is gone");
    }
}
