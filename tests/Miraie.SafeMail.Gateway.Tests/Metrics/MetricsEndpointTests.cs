using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Metrics;

/// <summary>
/// Real mail through a gateway on port 0, its /metrics scraped over HTTP and read as Prometheus reads it: the counters,
/// the histograms and the gauges move with what the gateway did, and promtool finds nothing wrong with the names.
/// </summary>
public class MetricsEndpointTests
{
    private const string Messages = "safemail_messages_total";
    private const string Deliveries = "safemail_deliveries_total";

    [Test]
    public async Task Mail_moves_the_message_and_delivery_counters_and_the_histograms()
    {
        await using var gateway = await TestGateway.StartAsync(observability: true);
        var before = await PrometheusText.ScrapeAsync(gateway.Observability);
        before.Value(Messages, ("outcome", "passed")).Should().Be(0, "every outcome's series exists from the start, at zero");
        before.Value(Deliveries, ("result", "deferred")).Should().Be(0);

        await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内資料", TestMessages.Pdf),
            "tanaka@example.co.jp", "suzuki@example.co.jp");
        await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書", TestMessages.Pdf),
            "tanaka@example.co.jp", "buyer@customer.example.com");
        (await gateway.WaitForPickupAsync(1)).Should().ContainSingle();

        var after = await PrometheusText.ScrapeUntilAsync(gateway.Observability, s => s.Value(Deliveries, ("result", "delivered")) >= 1);
        after.Value(Messages, ("outcome", "passed")).Should().Be(1, "the internal PDF passed");
        after.Value(Messages, ("outcome", "quarantined")).Should().Be(1, "the external unprotected PDF was quarantined");
        after.Value(Messages, ("outcome", "rejected")).Should().Be(0);
        after.Value(Messages, ("outcome", "tempfail")).Should().Be(0);
        after.Value(Deliveries, ("result", "delivered")).Should().Be(1, "one recipient took the passed message");
        after.Value(Deliveries, ("result", "bounced")).Should().Be(0);
        after.Value("safemail_inspection_duration_seconds_count").Should().Be(2, "both messages were inspected");
        after.Value("safemail_inspection_duration_seconds_bucket", ("le", "+Inf")).Should().Be(2);
        after.Value("safemail_inspection_duration_seconds_sum").Should().BePositive();
        after.Value("safemail_database_commit_duration_seconds_count").Should().BeGreaterThanOrEqualTo(3, "two accepts and a delivery each waited for a commit");
        after.Value("safemail_queue_messages").Should().Be(0, "the passed message is delivered, the quarantined one was never queued");
        after.Value("safemail_queue_oldest_age_seconds").Should().Be(0);

        var lint = await Promtool.RunAsync(after.Family("safemail_"), "check", "metrics");
        lint.ExitCode.Should().Be(0, "promtool check metrics finds the gateway's names and units conventional:\n" + lint.Output + after.Family("safemail_"));
    }

    [Test]
    public async Task A_down_upstream_shows_in_the_queue_gauges_and_the_deferred_count()
    {
        var closed = ClosedPort();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = closed.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
        }, observability: true);

        await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内連絡"), "tanaka@example.co.jp", "suzuki@example.co.jp");

        var scrape = await PrometheusText.ScrapeUntilAsync(gateway.Observability,
            s => s.Value(Deliveries, ("result", "deferred")) >= 1 && s.Value("safemail_queue_oldest_age_seconds") > 0);
        scrape.Value(Deliveries, ("result", "deferred")).Should().BeGreaterThanOrEqualTo(1, "the smarthost refuses connections: the attempt is deferred");
        scrape.Value(Deliveries, ("result", "delivered")).Should().Be(0);
        scrape.Value("safemail_queue_messages").Should().Be(1, "the message waits in the queue");
        scrape.Value("safemail_queue_oldest_age_seconds").Should().BePositive("it has been waiting since it was accepted");
    }

    [Test]
    public async Task A_policy_reject_and_a_451_for_an_unwritable_spool_are_counted_by_outcome()
    {
        await using var gateway = await TestGateway.StartAsync(TestGateway.RejectExecutables(), observability: true);
        var script = TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "tool", "#!/bin/sh\necho hi\n"u8.ToArray(), "install.sh");
        var reject = () => Mailer.SendAsync(gateway.Smtp, script, "tanaka@example.co.jp", "suzuki@example.co.jp");
        ((int)(await reject.Should().ThrowAsync<MailKit.Net.Smtp.SmtpCommandException>()).Which.StatusCode).Should().Be(554);

        await gateway.BreakSpoolAsync(); // the next message is answered 451
        var tempfail = () => Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内連絡"),
            "tanaka@example.co.jp", "suzuki@example.co.jp");
        ((int)(await tempfail.Should().ThrowAsync<MailKit.Net.Smtp.SmtpCommandException>()).Which.StatusCode).Should().Be(451);

        var scrape = await PrometheusText.ScrapeUntilAsync(gateway.Observability, s => s.Value(Messages, ("outcome", "tempfail")) >= 1);
        scrape.Value(Messages, ("outcome", "rejected")).Should().Be(1);
        scrape.Value(Messages, ("outcome", "tempfail")).Should().Be(1);
        scrape.Value(Messages, ("outcome", "passed")).Should().Be(0, "nothing was queued");
        await gateway.RepairSpoolAsync();
    }

    [Test]
    public async Task Open_sessions_and_refused_connections_are_counted()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Smtp:MaxConnectionsPerClient"] = "1" }, observability: true);
        using var admitted = await IdleConnection.OpenAsync(gateway.Smtp, "127.0.0.2");
        (await admitted.FirstLineAsync(TimeSpan.FromSeconds(30))).Should().StartWith("220 ");
        using var refused = await IdleConnection.OpenAsync(gateway.Smtp, "127.0.0.2");
        (await refused.FirstLineAsync(TimeSpan.FromSeconds(30))).Should().StartWith("421 4.7.0 ");

        var scrape = await PrometheusText.ScrapeUntilAsync(gateway.Observability, s => s.Value("safemail_smtp_sessions_refused_total", ("reason", "client")) >= 1);
        scrape.Value("safemail_smtp_sessions_refused_total", ("reason", "client")).Should().Be(1);
        scrape.Value("safemail_smtp_sessions_refused_total", ("reason", "busy")).Should().Be(0);
        scrape.Value("safemail_smtp_sessions_open").Should().Be(1, "the first connection holds a session");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: connections are refused
    }
}
