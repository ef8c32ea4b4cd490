using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Delivers queued mail: workers take leased ids from the handoff (new mail at once, the rest from a poll of the
/// database every couple of seconds), deliver through the transport, and record per-recipient results. Temporary
/// failures are retried with exponential backoff until the lifetime runs out; permanent failures and expiry return a
/// delivery status notification to the sender. Before the listener opens the node drops its own leases
/// (<see cref="GatewayStartup"/>), so whatever it held when it stopped (even by <c>kill -9</c>) is delivered again — at
/// least once, never lost. One id is never delivered by two workers of a node at once. A graceful stop hands the leases back
/// at once, so the other nodes of a cluster deliver this node's queue without waiting for the lease time; a node that
/// dies has its leases taken over by the others once <see cref="DeliveryOptions.LeaseTime"/> has passed.
/// </summary>
public sealed class DeliveryService(
    SafeMailDatabase database,
    StoreWriter writer,
    SpoolStore spool,
    MessageStore store,
    DeliveryHandoff handoff,
    IMessageTransport transport,
    FailureReporter reporter,
    GatewayIdentity identity,
    IOptions<DeliveryOptions> options,
    Waiting.HeldMailService held,
    Waiting.ApprovalService approvals,
    TimeProvider time,
    ILogger<DeliveryService> logger,
    Metrics.GatewayMetrics metrics) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SegmentSweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StorageRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ApprovalSweepInterval = TimeSpan.FromSeconds(30);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The last delivery's result, for health reports.</summary>
    public (DateTimeOffset At, bool Ok, string Note)? LastDelivery { get; private set; }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Math.Max(1, options.Value.MaxParallel)).Select(_ => WorkAsync(stoppingToken)).ToList();
        var poller = PollAsync(stoppingToken);
        var sweeper = SweepAsync(stoppingToken);
        var expiry = ExpireApprovalsAsync(stoppingToken);
        try
        {
            await Task.WhenAll([.. workers, poller, sweeper, expiry]).ConfigureAwait(false);
        }
        finally
        {
            await HandBackLeasesAsync().ConfigureAwait(false);
        }
    }

    /// <summary>At a graceful stop: what this node leased and did not deliver is due again at once, for any node.</summary>
    private async Task HandBackLeasesAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token).ConfigureAwait(false);
            var released = await MessageTable.ReleaseLeasesAsync(connection, identity.NodeId, timeout.Token).ConfigureAwait(false);
            logger.LogInformation("stopping: handed back {Count} queued messages to the cluster", released);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or IOException or InvalidOperationException)
        {
            logger.LogWarning(e, "stopping: the leases could not be handed back; other nodes take them over after the lease time");
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (id, record) in handoff.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await DeliverOneAsync(id, stoppingToken, record).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database went away (or another storage failure) while this message was read or its outcome
                    // recorded. The worker lives on; the message is still leased to this node, so it is tried again here
                    // in a moment — read afresh, never from a record that may be stale. (Delivered but not recorded: it
                    // goes again — at least once, never lost.)
                    logger.LogError(e, "{QueueId} delivery could not be read or recorded; trying again in {Delay}", id, StorageRetryDelay);
                    _ = RetryLaterAsync(id, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RetryLaterAsync(string id, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(StorageRetryDelay, time, stoppingToken).ConfigureAwait(false);
            handoff.Enqueue(id);
        }
        catch (OperationCanceledException)
        {
            // stopping: the lease is handed back with the rest
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var room = (options.Value.MaxParallel * 8) - handoff.Count;
                if (room > 0)
                {
                    // Held mail whose time has come joins the queue first (held → queued, once across the cluster), so this
                    // claim can take it: it leaves within a poll of its time, never before.
                    await held.ReleaseDueAsync(room, stoppingToken).ConfigureAwait(false);
                    await using var connection = await database.OpenAsync(stoppingToken).ConfigureAwait(false);
                    var now = time.GetUtcNow();
                    foreach (var id in await MessageTable.ClaimDueAsync(connection, identity.NodeId, now, options.Value.LeaseTime, room, stoppingToken)
                        .ConfigureAwait(false))
                    {
                        handoff.Enqueue(id);
                    }
                }

                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException)
            {
                logger.LogError(e, "polling the queue failed; trying again");
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every half minute: mail whose approvers did not decide in time is declined (and its sender told), once across the cluster.</summary>
    private async Task ExpireApprovalsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var expired = await approvals.ExpireDueAsync(100, stoppingToken).ConfigureAwait(false);
                if (expired > 0)
                {
                    logger.LogInformation("{Count} messages ran out of time for approval and will not be sent", expired);
                }

                await Task.Delay(expired >= 100 ? TimeSpan.Zero : ApprovalSweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException)
            {
                logger.LogError(e, "declining mail out of time for approval failed; trying again");
                await Task.Delay(ApprovalSweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Delivers one message once and records the outcome. <paramref name="justCommitted"/> is the record the accept path
    /// committed a moment ago (so it is current); without it the record is read from the database.
    /// </summary>
    public async Task DeliverOneAsync(string id, CancellationToken cancellationToken, MessageRecord? justCommitted = null)
    {
        // An id can reach the workers twice (the accept path and a poll, a retry after a storage failure): the second
        // worker leaves it to the first rather than send it again beside it.
        if (!_inFlight.TryAdd(id, 0))
        {
            logger.LogDebug("{QueueId} is being delivered by another worker of this node", id);
            return;
        }

        try
        {
            await DeliverLeasedAsync(id, justCommitted, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
    }

    private async Task DeliverLeasedAsync(string id, MessageRecord? justCommitted, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope("{QueueId}", id);
        // The accept path's record saves a read while it is new. One that waited for a worker longer than half the lease
        // may have been claimed and delivered meanwhile (its lease ran out): read afresh, so a delivered message is not sent again.
        var message = justCommitted is not null && time.GetUtcNow() - justCommitted.ReceivedAt < options.Value.LeaseTime / 2 ? justCommitted : null;
        if (message is null)
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
        }

        if (message is null || message.State != MessageState.Queued)
        {
            return; // deleted, already delivered by another worker, or gone
        }

        var pending = message.Recipients.Where(r => r.State == RecipientState.Pending).Select(r => r.Address).ToList();
        IReadOnlyList<RecipientOutcome> outcomes;
        try
        {
            outcomes = pending.Count == 0 ? [] : await transport.DeliverAsync(
                new OutboundMessage(message.Id, message.EnvelopeFrom, pending, AddedHeaders(message), token => OpenAsync(message, token)), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // The bytes cannot be read: never drop the message; record the problem and try again later.
            logger.LogError(e, "{QueueId} content unreadable", id);
            outcomes = pending.Select(r => new RecipientOutcome(r, OutcomeKind.Temporary, "451 4.3.0 local error: " + e.Message)).ToList();
        }

        await RecordAsync(message, outcomes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bytes that go out: as stored, but with To and Cc hidden when the verdict was BCC変換 (ADR-018).</summary>
    private async Task<Stream> OpenAsync(MessageRecord message, CancellationToken cancellationToken)
    {
        var stored = await store.OpenAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Origin == MessageOrigin.Smtp && message.Verdict == UndisclosedRecipients.Verdict
            ? await UndisclosedRecipients.OpenAsync(stored, cancellationToken).ConfigureAwait(false)
            : stored;
    }

    private static string AddedHeaders(MessageRecord message)
    {
        if (message.Origin != MessageOrigin.Smtp)
        {
            return "";
        }

        var verdict = message.ReleasedAt is null
            ? $"{message.Verdict}; rule={message.Rule}; id={message.Id}"
            : $"released; rule={message.Rule}; by={Token(message.ReleasedBy)}; id={message.Id}";
        return $"Received: {message.ReceivedHeader}\r\nX-SafeMail-Verdict: {verdict}\r\n";

        static string Token(string? text) => new((text ?? "?").Where(c => c is > ' ' and < '\x7F' and not ';').ToArray());
    }

    private async Task RecordAsync(MessageRecord message, IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var expired = message.ExpiresAt is { } expires && now + RetrySchedule.Delay(options.Value, attempts) > expires;
        var final = outcomes.Select(o => o.Kind == OutcomeKind.Temporary && expired
            ? o with { Kind = OutcomeKind.Permanent, Response = "4.4.7 delivery time expired; last reply: " + o.Response }
            : o).ToList();
        var failures = final.Where(o => o.Kind == OutcomeKind.Permanent).ToList();
        var reported = outcomes.Where(o => o.Kind != OutcomeKind.Delivered && (o.Kind == OutcomeKind.Permanent || expired))
            .Select(o => o.Kind == OutcomeKind.Permanent ? Rejected(o, now) : DsnRecipient.Expired(o.Address, now, o.RemoteMta, o.Response))
            .ToList();
        var retry = final.Any(o => o.Kind == OutcomeKind.Temporary);
        var anyDelivered = final.Any(o => o.Kind == OutcomeKind.Delivered) || message.Recipients.Any(r => r.State == RecipientState.Delivered);
        var state = retry ? MessageState.Queued : anyDelivered ? MessageState.Delivered : MessageState.Failed;
        var next = retry ? now + RetrySchedule.Delay(options.Value, attempts) : (DateTimeOffset?)null;
        var error = final.FirstOrDefault(o => o.Kind != OutcomeKind.Delivered)?.Response;

        var report = reported.Count > 0 ? await reporter.PrepareAsync(message, reported, cancellationToken).ConfigureAwait(false) : null;
        // The recipients' outcomes, the message's state, its password mails, its bytes and its audit entries: with the rest
        // of the group commit in one round trip on PostgreSQL.
        await writer.RunStatementsAsync((batch, _) =>
        {
            AddOutcome(batch);
            return true;
        }).ConfigureAwait(false);

        if (report is not null)
        {
            handoff.Enqueue(report.Id);
        }

        metrics.Delivered(final);
        LastDelivery = (now, !retry && failures.Count == 0, error ?? "ok");
        logger.LogInformation("{QueueId} attempt {Attempt}: delivered={Delivered} deferred={Deferred} failed={Failed} state={State}{Next}{Report}",
            message.Id, attempts, final.Count(o => o.Kind == OutcomeKind.Delivered), final.Count(o => o.Kind == OutcomeKind.Temporary), failures.Count, state,
            next is null ? "" : " next=" + next.Value.ToString("u", CultureInfo.InvariantCulture),
            report is null ? "" : " dsn=" + report.Id);

        void AddOutcome(SqlBatch batch)
        {
            foreach (var outcome in final)
            {
                var recipientState = outcome.Kind switch
                {
                    OutcomeKind.Delivered => RecipientState.Delivered,
                    OutcomeKind.Permanent => RecipientState.Failed,
                    _ => RecipientState.Pending,
                };
                MessageTable.SetRecipient(batch, message.Id, outcome.Address, recipientState, outcome.Response, now);
            }

            MessageTable.UpdateState(batch, message.Id, MessageState.Queued, state, attempts, next, error, retry ? null : now);
            if (message.Origin == MessageOrigin.Smtp && final.Any(o => o.Kind == OutcomeKind.Delivered))
            {
                Storage.Passwords.PasswordMailTable.AddForDelivered(batch, message.Id, now);
            }

            if (failures.Count > 0)
            {
                AuditLog.Append(batch, now, AuditLog.System, AuditActions.Bounce, message.Id, string.Join("; ", failures.Select(f => $"{f.Address}: {f.Response}")));
            }

            if (!retry)
            {
                store.ForgetIfFinished(batch, message.Id);
            }

            if (message.ReleasedAt is not null)
            {
                AuditReleased(batch, message.Id, final, next, now);
            }

            if (report is not null)
            {
                MessageTable.Insert(batch, report, identity.NodeId, now + options.Value.LeaseTime);
            }
        }
    }

    /// <summary>
    /// Mail that came out of the quarantine is followed into the audit log: which recipients took it and which are
    /// retried (those refused for good are already there as a bounce), so the record of a release ends with its outcome.
    /// </summary>
    private static void AuditReleased(SqlBatch batch, string id, IReadOnlyList<RecipientOutcome> outcomes, DateTimeOffset? next, DateTimeOffset now)
    {
        var delivered = outcomes.Where(o => o.Kind == OutcomeKind.Delivered).ToList();
        if (delivered.Count > 0)
        {
            AuditLog.Append(batch, now, AuditLog.System, AuditActions.Deliver, id, string.Join("; ", delivered.Select(o => $"{o.Address}: {o.Response}")));
        }

        var deferred = outcomes.Where(o => o.Kind == OutcomeKind.Temporary).ToList();
        if (deferred.Count > 0)
        {
            AuditLog.Append(batch, now, AuditLog.System, AuditActions.Defer, id,
                string.Join("; ", deferred.Select(o => $"{o.Address}: {o.Response}")) +
                (next is { } retry ? "; next attempt " + retry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : ""));
        }
    }

    /// <summary>A 5xx outcome as the DSN reports it; a reply without a parsable code (a local error) counts as 550.</summary>
    private static DsnRecipient Rejected(RecipientOutcome outcome, DateTimeOffset now)
    {
        var space = outcome.Response.IndexOf(' ', StringComparison.Ordinal);
        var code = space == 3 && int.TryParse(outcome.Response.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 500 and < 600
            ? parsed
            : 550;
        var text = space == 3 ? outcome.Response[4..] : outcome.Response;
        return DsnRecipient.Rejected(outcome.Address, code, text, outcome.RemoteMta, now);
    }

    /// <summary>Deletes the bytes nothing needs any more: sealed spool segments without live mail, and (PostgreSQL) rows of finished messages.</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var swept = await store.SweepAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (swept > 0)
                {
                    logger.LogDebug("{Count} stored messages finished: their bytes deleted", swept);
                }

                await using var connection = await database.OpenAsync(stoppingToken).ConfigureAwait(false);
                foreach (var segment in spool.SealedSegments())
                {
                    if (await MessageTable.CountLiveInSegmentAsync(connection, segment, stoppingToken).ConfigureAwait(false) == 0)
                    {
                        spool.DeleteSegment(segment);
                        logger.LogDebug("spool segment {Segment} has nothing left to deliver: deleted", segment);
                    }
                }

                await Task.Delay(SegmentSweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException)
            {
                logger.LogError(e, "spool sweep failed; trying again later");
                await Task.Delay(SegmentSweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
