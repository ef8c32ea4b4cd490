using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>Purges quarantined mail past its retention period, hourly; each purge is in the audit log.</summary>
public sealed class RetentionService(QuarantineService quarantine, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var purged = await quarantine.PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    logger.LogInformation("purged {Count} quarantined messages past their retention period", purged);
                }

                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                logger.LogError(e, "retention purge failed; trying again in an hour");
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
