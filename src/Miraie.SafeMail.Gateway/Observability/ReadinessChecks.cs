using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// What <c>/health/ready</c> asks: can this process accept mail durably now? The database takes a write through the
/// store writer (the path every 250 waits for), the spool takes a synced file, the SMTP listener listens, the process is
/// not stopping. In a console-only process only the database and the process count. Each check answers within
/// <see cref="Timeout"/>; a result is reused for <see cref="Reuse"/>, so probing often costs one commit and one fsync a
/// second at most, and a hung database leaves one probe waiting, not one per request.
/// </summary>
public sealed class ReadinessChecks(StoreWriter writer, SpoolStore spool, IServiceProvider services, IHostApplicationLifetime lifetime, TimeProvider time)
{
    /// <summary>How long a check may take before it counts as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a result is reused.</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly Probe _database = new(time);
    private readonly Probe _spool = new(time);

    /// <summary>A write through the store writer, in its own savepoint of the next group commit; nothing is changed.</summary>
    public Task<HealthCheckResult> DatabaseAsync(CancellationToken cancellationToken) => _database.RunAsync(async () =>
    {
        // SQLite: the writer's transaction (BEGIN IMMEDIATE) already takes the write lock. The write statement, which matches no
        // row, is for a server database: a read-only standby (after a failover) refuses it.
        await writer.RunAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM node_status WHERE 1 = 0";
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return HealthCheckResult.Healthy("the database takes writes");
    }, "the database", cancellationToken);

    /// <summary>A file written, synced and deleted in the spool (as the health report does).</summary>
    public Task<HealthCheckResult> SpoolAsync(CancellationToken cancellationToken) => _spool.RunAsync(async () =>
    {
        await Task.Run(spool.Probe, CancellationToken.None).ConfigureAwait(false);
        return HealthCheckResult.Healthy("the spool is writable");
    }, "the spool", cancellationToken);

    /// <summary>Every configured SMTP endpoint is bound and the listener runs.</summary>
    public Task<HealthCheckResult> SmtpAsync(CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var listener = services.GetService(typeof(SmtpListenerService)) as SmtpListenerService;
        return Task.FromResult(listener switch
        {
            null => HealthCheckResult.Unhealthy("no SMTP listener in this process"),
            { Started.IsCompletedSuccessfully: false } => HealthCheckResult.Unhealthy("the SMTP listener has not started"),
            { ExecuteTask.IsCompleted: true } => HealthCheckResult.Unhealthy("the SMTP listener has stopped"),
            _ => HealthCheckResult.Healthy("SMTP listening on " + string.Join(", ", listener.Endpoints)),
        });
    }

    /// <summary>Not ready once the process is stopping, so a load balancer drains it first.</summary>
    public Task<HealthCheckResult> ProcessAsync(CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        return Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("the process is stopping")
            : HealthCheckResult.Healthy("running"));
    }

    /// <summary>One kind of probe: at most one running, its result reused briefly, bounded in time.</summary>
    private sealed class Probe(TimeProvider time)
    {
        private readonly Lock _gate = new();
        private Task<HealthCheckResult>? _running;
        private (HealthCheckResult Result, DateTimeOffset At)? _last;

        public async Task<HealthCheckResult> RunAsync(Func<Task<HealthCheckResult>> probe, string what, CancellationToken cancellationToken)
        {
            Task<HealthCheckResult> running;
            lock (_gate)
            {
                if (_last is { } last && time.GetUtcNow() - last.At < Reuse)
                {
                    return last.Result;
                }

                _running ??= Task.Run(() => Guarded(probe, what)); // run apart: it clears _running under the same lock when done
                running = _running;
            }

            try
            {
                return await running.WaitAsync(Timeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"{what} did not answer within {Timeout.TotalSeconds:0} s");
            }
        }

        private async Task<HealthCheckResult> Guarded(Func<Task<HealthCheckResult>> probe, string what)
        {
            HealthCheckResult result;
            try
            {
                result = await probe().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = HealthCheckResult.Unhealthy($"{what} failed: {e.Message}");
            }

            lock (_gate)
            {
                _last = (result, time.GetUtcNow());
                _running = null;
            }

            return result;
        }
    }
}
