using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// What <c>/health/ready</c> asks: can this process accept mail durably now? The database answers (SQLite: a write
/// through the store writer, the path every 250 waits for; PostgreSQL: a connection of its own and a trivial query that
/// also says whether the server takes writes), the spool takes a synced file, the SMTP listener listens, the process is
/// not stopping. In a console-only process only the database and the process count. Each check answers within
/// <see cref="Timeout"/>; a result is reused for <see cref="Reuse"/>, so probing often costs one commit (or query) and
/// one fsync a second at most, and a hung database leaves one probe waiting, not one per request (ADR-015).
/// </summary>
public sealed class ReadinessChecks(SafeMailDatabase database, StoreWriter writer, SpoolStore spool, IServiceProvider services,
    IHostApplicationLifetime lifetime, TimeProvider time)
{
    /// <summary>How long a check may take before it counts as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a result is reused.</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly Probe _database = new(time);
    private readonly Probe _spool = new(time);

    /// <summary>The database answers and takes writes (how depends on the provider); nothing is changed.</summary>
    public Task<HealthCheckResult> DatabaseAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(database.Provider == DatabaseProvider.PostgreSql ? PostgreSqlAsync : SqliteAsync, "the database", cancellationToken);

    // SQLite: the writer's transaction (BEGIN IMMEDIATE) takes the write lock, so a write through it in its own savepoint of
    // the next group commit proves what a 250 needs (the writer runs, no other process holds the lock). The statement
    // matches no row.
    private async Task<HealthCheckResult> SqliteAsync()
    {
        await writer.RunAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM node_status WHERE 1 = 0";
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return HealthCheckResult.Healthy("the database takes writes");
    }

    // PostgreSQL: a connection from the pool and one trivial query, both cancelled at the timeout (not left to Npgsql's
    // 5 s connect and 30 s command timeouts). A write through the store writer would prove little more here: PostgreSQL
    // locks rows, not the database, so a statement matching no row waits for nobody; what can fail is the server (down,
    // unreachable, out of connections) or its role (a standby, or default_transaction_read_only, answers but refuses
    // every message) — the query reads the latter.
    private async Task<HealthCheckResult> PostgreSqlAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout, time);
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT current_setting('transaction_read_only')";
            var readOnly = Convert.ToString(await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false), CultureInfo.InvariantCulture);
            return readOnly == "off"
                ? HealthCheckResult.Healthy("the database answers and takes writes")
                : HealthCheckResult.Unhealthy("the database answers but is read-only (a standby?)");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the database did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

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
