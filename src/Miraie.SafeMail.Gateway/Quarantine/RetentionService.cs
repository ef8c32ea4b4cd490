using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Storage.Nodes;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// Purges quarantined mail past its retention period, hourly; each purge is in the audit log. The last run (when,
/// whether it worked, its error) goes into the node's health report, so <c>safemail health</c> tells a purge that fails or
/// stopped running — quarantined mail kept past its retention is a compliance problem, not only a full disk.
/// </summary>
public sealed class RetentionService(QuarantineService quarantine, Links.LinkService links, Storage.SafeMailDatabase database, TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>How often the purge runs; <c>safemail health</c> calls it overdue after two intervals without a run.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>The last run: when it ended, whether it worked, and its error or how many messages it purged; null before the first.</summary>
    public PurgeRun? LastRun { get; private set; }

    /// <summary>Runs the purge once and records the outcome in <see cref="LastRun"/>. Never throws for a storage problem.</summary>
    public async Task<PurgeRun> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        PurgeRun run;
        try
        {
            // One purge at a time across the cluster: a node that finds another purging waits for it, then runs (and finds
            // little left). Each message's purge is a compare-and-set anyway, so it is purged and audited once.
            await using var clusterLock = await ClusterLock.AcquireAsync(database, "retention-purge", TimeSpan.FromMinutes(10), time, cancellationToken)
                .ConfigureAwait(false);
            if (clusterLock is null)
            {
                logger.LogError("retention purge: another node has been purging for over 10 minutes; trying again in an hour");
                run = new PurgeRun(time.GetUtcNow(), false, "another node has been purging for over 10 minutes");
            }
            else
            {
                var purged = await quarantine.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    logger.LogInformation("purged {Count} quarantined messages past their retention period", purged);
                }

                // Download links past their time (or revoked): their files are deleted, the records kept for the audit trail.
                var linksPurged = 0;
                for (int batch; (batch = await links.PurgeAsync(cancellationToken).ConfigureAwait(false)) > 0;)
                {
                    linksPurged += batch;
                }

                if (linksPurged > 0)
                {
                    logger.LogInformation("deleted the files of {Count} expired or revoked download links", linksPurged);
                }

                run = new PurgeRun(time.GetUtcNow(), true, linksPurged > 0 ? $"purged {purged}, links {linksPurged}" : $"purged {purged}");
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "retention purge failed; trying again in an hour");
            run = new PurgeRun(time.GetUtcNow(), false, e.Message);
        }

        LastRun = run;
        return run;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
