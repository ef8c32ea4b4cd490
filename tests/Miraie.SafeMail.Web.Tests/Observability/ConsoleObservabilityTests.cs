using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Observability;

/// <summary>
/// safemail-web serves /metrics and /health/* on a listener of its own, apart from the console's address: with the
/// gateway in the process its metrics and readiness are the gateway's plus the console's HTTP metrics; without it
/// (RunGateway=false) ready means the database answers and takes writes (the checks per provider: ADR-015).
/// </summary>
[NonParallelizable]
public class ConsoleObservabilityTests
{
    [Test]
    public async Task The_console_serves_gateway_and_http_metrics_on_its_own_listener_only()
    {
        using var host = await ConsoleHost.StartAsync();
        await Mail.SendAsync(host.Smtp, Mail.Quote("見積書"));
        using var client = host.Client();
        (await client.GetAsync("/login")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);

        var scrape = await PrometheusText.ScrapeUntilAsync(host.Observability,
            s => s.Value("safemail_messages_total", ("outcome", "quarantined")) == 1 && s.Text.Contains("http_route=\"login\"", StringComparison.Ordinal));
        scrape.Value("safemail_messages_total", ("outcome", "quarantined")).Should().Be(1, "the gateway in the console's process counts its mail");
        scrape.Text.Should().Contain("http_server_request_duration_seconds_count{").And.Contain("http_route=\"login\"",
            "the console's own requests are measured (ASP.NET Core's meter)");
        scrape.Sum("http_server_request_duration_seconds_count").Should().Be(1, "the one console request; scrapes and probes are not console traffic");

        var (code, body) = await PrometheusText.HealthAsync(host.Observability, "/health/ready");
        code.Should().Be(200, body.ToString());
        body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo("process", "database", "spool", "smtp");

        var console = await client.GetAsync("/metrics");
        (await console.Content.ReadAsStringAsync()).Should().NotContain("safemail_messages_total", "the console's own address serves no metrics");
        host.Observability.Port.Should().NotBe(client.BaseAddress!.Port);
    }

    [Test]
    public async Task A_console_without_the_gateway_is_ready_while_its_database_answers()
    {
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:RunGateway"] = "false" });

        var (code, body) = await PrometheusText.HealthAsync(host.Observability, "/health/ready");
        code.Should().Be(200, body.ToString());
        body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo(["process", "database"], "no spool, no SMTP in this process");
        var scrape = await PrometheusText.ScrapeAsync(host.Observability);
        scrape.Value("safemail_queue_messages").Should().Be(0, "the queue is read from the shared database");
        scrape.Value("safemail_smtp_sessions_open").Should().BeNull("no SMTP listener here");
    }

    [Test]
    [Category("Sqlite")]
    public async Task A_console_without_the_gateway_is_not_ready_while_another_process_holds_SQLite_write_lock()
    {
        Assert.That(!TestDatabase.IsPostgreSql, "SQLite's database-wide write lock: the SQLite run only (the gateway's PostgreSqlReadinessTests cover PostgreSQL)");

        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:RunGateway"] = "false" });
        (await PrometheusText.HealthAsync(host.Observability, "/health/ready")).Code.Should().Be(200);

        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "safemail.db")};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            var locked = await PrometheusText.HealthUntilAsync(host.Observability, "/health/ready", 503);
            locked.Code.Should().Be(503, locked.Body.ToString());
            locked.Body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Unhealthy");
            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        (await PrometheusText.HealthUntilAsync(host.Observability, "/health/ready", 200)).Code.Should().Be(200);
    }
}
