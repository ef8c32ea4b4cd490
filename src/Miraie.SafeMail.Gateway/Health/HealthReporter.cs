using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Nodes;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Health;

/// <summary>
/// Every 10 seconds: probes the spool and records listener, spool, delivery and retention purge state in <c>node_status</c>.
/// A graceful stop is recorded too, so <c>safemail health</c> and the dashboard tell a node stopped on purpose from one that died.
/// </summary>
public sealed class HealthReporter(SmtpListenerService listener, DeliveryService delivery, Quarantine.RetentionService retention, SpoolStore spool,
    StoreWriter writer, Storage.SafeMailDatabase database, GatewayIdentity identity, TimeProvider time, ILogger<HealthReporter> logger) : BackgroundService
{
    /// <summary>How often the node reports; <c>safemail health</c> treats a report older than three intervals as a dead node.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly DateTimeOffset _started = time.GetUtcNow();

    /// <summary>Probes the spool and writes the node's report once.</summary>
    public async Task ReportAsync()
    {
        string? spoolError = null;
        try
        {
            spool.Probe();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            spoolError = e.Message;
            logger.LogError("spool is not writable: {Error}", e.Message);
        }

        var last = delivery.LastDelivery;
        var status = new NodeStatus(identity.NodeId, time.GetUtcNow(), listener.Endpoints.Select(e => e.ToString()).ToList(), spoolError is null, spoolError,
            last?.At, last?.Ok, last?.Note)
        {
            StartedAt = _started,
            LastPurge = retention.LastRun,
        };
        await writer.RunAsync((connection, transaction) => NodeStatusTable.WriteAsync(connection, transaction, status)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await NodeStatusTable.MarkStoppedAsync(connection, identity.NodeId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or IOException)
        {
            logger.LogWarning(e, "could not record the node's stop");
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReportAsync().ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever the store writer failed the report with — a database error, or the ObjectDisposedException Npgsql
                // raises when PostgreSQL ends the writer's connection mid-batch — is logged and tried again: the report
                // describes the node, it must never stop it (a BackgroundService that throws stops the whole host).
                logger.LogError(e, "could not record the node's health");
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
