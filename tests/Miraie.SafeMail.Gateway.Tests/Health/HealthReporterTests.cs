using Microsoft.Extensions.Hosting;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Health;

/// <summary>The node's periodic health report never stops the gateway: a report that cannot be recorded is logged and tried again.</summary>
public class HealthReporterTests
{
    [Test]
    public async Task A_report_refused_with_an_error_that_is_not_a_database_one_is_logged_and_the_gateway_keeps_running()
    {
        await using var gateway = await TestGateway.StartAsync();
        var lifetime = gateway.Get<IHostApplicationLifetime>();

        // The store writer refuses the next report with ObjectDisposedException — what Npgsql throws (as NpgsqlTransaction)
        // when PostgreSQL ends the writer's connection in the middle of a batch (a restart, a failover, pg_terminate_backend).
        await gateway.Get<StoreWriter>().DisposeAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!lifetime.ApplicationStopping.IsCancellationRequested && !Logged(gateway) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100); // the reporter writes every 10 s
        }

        lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("one failed health report must not stop the gateway");
        Logged(gateway).Should().BeTrue();
    }

    private static bool Logged(TestGateway gateway) =>
        gateway.Logs.Entries.Any(e => e.Text.Contains("could not record the node's health", StringComparison.Ordinal));
}
