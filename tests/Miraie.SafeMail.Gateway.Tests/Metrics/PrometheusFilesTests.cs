using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Metrics;

/// <summary>
/// The shipped docs/deploy/prometheus.yml and safemail-alerts.yml are what Prometheus accepts, every alert fires when it
/// should and stays quiet when it should not (promtool's rule unit tests), and they (and the README) use the names the gateway serves.
/// </summary>
public class PrometheusFilesTests
{
    private static string Deploy(string file) => Path.Combine(Promtool.Root(), "docs", "deploy", file);

    [Test]
    public async Task The_scrape_configuration_and_its_alert_rules_pass_promtool()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, "check", "config", Deploy("prometheus.yml"));
        exitCode.Should().Be(0, output);
        output.Should().Contain("SUCCESS: 7 rules found", "the configuration loads the alert rules");
    }

    [Test]
    public async Task Each_alert_fires_on_its_condition_and_not_before()
    {
        var tests = Path.Combine(Promtool.Root(), "tests", "Miraie.SafeMail.Gateway.Tests", "Metrics", "safemail-alerts.test.yml");
        var (exitCode, output) = await Promtool.RunAsync(null, "test", "rules", tests);
        exitCode.Should().Be(0, output);
    }

    [Test]
    public async Task The_alert_rules_and_the_readme_name_only_metrics_the_gateway_serves()
    {
        await using var gateway = await TestGateway.StartAsync(observability: true);
        await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内連絡"), "tanaka@example.co.jp", "suzuki@example.co.jp");
        // PostgreSQL only: a node's vacuum of the mail-bytes tables (SQLite has none); the PostgreSQL run shows it served.
        string[] postgreSqlOnly = ["safemail_database_vacuum_duration_seconds"];
        if (TestDatabase.IsPostgreSql)
        {
            (await gateway.Get<SafeMail.Gateway.Delivery.BytesVacuumService>().RunOnceAsync(threshold: 0)).Should().NotBeEmpty();
        }

        var served = (await PrometheusText.ScrapeUntilAsync(gateway.Observability, s => s.Value("safemail_inspection_duration_seconds_count") == 1
            && (!TestDatabase.IsPostgreSql || s.Sum("safemail_database_vacuum_duration_seconds_count") >= 1))).Text; // a histogram appears with its first value
        foreach (var file in new[] { Deploy("safemail-alerts.yml"), Path.Combine(Promtool.Root(), "README.md") })
        {
            var text = await File.ReadAllTextAsync(file);
            var named = System.Text.RegularExpressions.Regex.Matches(text, @"\bsafemail_[a-z_]+").Select(m => m.Value).Distinct().ToList();
            named.Should().HaveCountGreaterThan(3, file);
            named.Should().OnlyContain(name => served.Contains("\n" + name, StringComparison.Ordinal) || (!TestDatabase.IsPostgreSql && postgreSqlOnly.Contains(name)),
                $"{file}: a name nobody serves never moves");
        }
    }
}
