using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Nodes;

namespace Miraie.SafeMail.Gateway.Metrics;

/// <summary>
/// The delivery queue's depth and oldest message, read from the database when a scrape asks and kept for
/// <see cref="MaxAge"/>, so a scrape costs at most one indexed query and two scrapers (or two gauges) share it. An
/// observable gauge is called synchronously: a scrape waits at most <see cref="Wait"/> for the database, then gets the
/// last reading (none before the first, nor once it is over a minute old), while the query finishes in the background for the next one.
/// </summary>
public sealed class QueueStatistics(SafeMailDatabase database, TimeProvider time, ILogger<QueueStatistics> logger)
{
    /// <summary>How long a reading is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>How long a scrape waits for a fresh reading.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(1);

    /// <summary>A reading older than this is not reported at all: a gauge that stops is better than one that lies.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private Task<Reading>? _reading;
    private Reading? _last;

    /// <summary>A reading of the queue.</summary>
    /// <param name="Depth">Messages waiting for delivery.</param>
    /// <param name="Oldest">When the oldest of them arrived; null when the queue is empty.</param>
    /// <param name="At">When the database was read.</param>
    /// <param name="Held">Messages held for their senders (送信保留).</param>
    /// <param name="AwaitingApproval">Messages waiting for an approver (上長承認).</param>
    public sealed record Reading(long Depth, DateTimeOffset? Oldest, DateTimeOffset At, long Held = 0, long AwaitingApproval = 0);

    /// <summary>The queue now: depth and the oldest message's age (zero when empty); null when the database never answered.</summary>
    public (long Depth, TimeSpan OldestAge)? Current()
    {
        var reading = Read();
        return reading is null ? null : (reading.Depth, reading.Oldest is { } oldest ? Max(time.GetUtcNow() - oldest, TimeSpan.Zero) : TimeSpan.Zero);
    }

    /// <summary>Held mail and mail awaiting approval now; null when the database never answered.</summary>
    public (long Held, long AwaitingApproval)? Waiting() => Read() is { } reading ? (reading.Held, reading.AwaitingApproval) : null;

    private Reading? Read()
    {
        Task<Reading> pending;
        lock (_gate)
        {
            if (_last is { } last && time.GetUtcNow() - last.At < MaxAge)
            {
                return last;
            }

            _reading ??= Task.Run(QueryAsync);
            pending = _reading;
        }

        try
        {
            // Synchronous by the gauge API's design; bounded, and the query goes on without the scrape when the database is slow.
            if (pending.Wait(Wait))
            {
                lock (_gate)
                {
                    _last = pending.Result;
                }
            }
        }
        catch (AggregateException e)
        {
            logger.LogWarning("queue metrics: the database did not answer: {Error}", e.InnerException?.Message);
        }

        lock (_gate)
        {
            if (pending.IsCompleted && ReferenceEquals(_reading, pending))
            {
                _reading = null;
            }

            return _last is { } last && time.GetUtcNow() - last.At < StaleAfter ? last : null;
        }
    }

    private async Task<Reading> QueryAsync()
    {
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        var (depth, oldest) = await NodeStatusTable.QueueAsync(connection).ConfigureAwait(false);
        var (held, awaiting) = await Storage.Messages.WaitingTable.CountAsync(connection).ConfigureAwait(false);
        return new Reading(depth, oldest, time.GetUtcNow(), held, awaiting);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
