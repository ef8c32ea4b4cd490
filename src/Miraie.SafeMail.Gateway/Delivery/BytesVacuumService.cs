using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Npgsql;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// PostgreSQL: once a second, vacuums the tables of mail bytes whose dead rows passed
/// <see cref="BytesVacuum.DeadRowsThreshold"/>, so that the space of delivered mail is used again by the next messages
/// instead of the table growing until autovacuum's next visit (<see cref="BytesVacuum"/>). Several nodes may run it: the
/// count is the cluster's, and a table another session is vacuuming is skipped. It never touches mail: a failure is
/// logged and tried again later, and autovacuum still runs as configured. Nothing to do on SQLite (spool segments are
/// deleted as a whole).
/// </summary>
public sealed class BytesVacuumService(SafeMailDatabase database, StorageMetrics metrics, TimeProvider time, ILogger<BytesVacuumService> logger)
    : BackgroundService
{
    /// <summary>How often the dead rows are counted.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FailureDelay = TimeSpan.FromSeconds(30);

    /// <summary>Counts the dead rows once and vacuums the tables past the threshold; returns those vacuumed.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(long threshold = BytesVacuum.DeadRowsThreshold, CancellationToken cancellationToken = default)
    {
        await using var connection = (NpgsqlConnection)await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var vacuumed = new List<string>();
        foreach (var (table, dead) in await BytesVacuum.DueAsync(connection, threshold, cancellationToken).ConfigureAwait(false))
        {
            var started = Stopwatch.GetTimestamp();
            await BytesVacuum.VacuumAsync(connection, table, cancellationToken).ConfigureAwait(false);
            metrics.Vacuumed(table, started);
            logger.LogDebug("vacuumed {Table} ({Dead} dead rows) in {Elapsed:0} ms", table, dead, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            vacuumed.Add(table);
        }

        return vacuumed;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != DatabaseProvider.PostgreSql)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException)
            {
                // Mail goes on without it (the database's own autovacuum still runs); the delivery and the health report tell an outage.
                logger.LogWarning(e, "vacuum of the mail bytes tables failed; trying again in {Seconds} s", FailureDelay.TotalSeconds);
                try
                {
                    await Task.Delay(FailureDelay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
