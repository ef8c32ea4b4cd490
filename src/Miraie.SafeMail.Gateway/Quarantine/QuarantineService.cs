using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// What operators do with quarantined mail — list, show, release, delete — and the retention purge. Works on the
/// database directly, so the CLI and the console act on the same store as a running gateway. Release is a single
/// conditional update (quarantined → queued): of two simultaneous releases exactly one wins, and the message goes out
/// through the normal delivery path once. Every action is written to the audit log in the same transaction.
/// </summary>
public sealed class QuarantineService(SafeMailDatabase database, MessageStore store, IOptions<DeliveryOptions> delivery, IOptions<QuarantineOptions> options,
    QuarantineNotice notices, OutboundMail outbound, TimeProvider time)
{
    /// <summary>Quarantined messages, newest first.</summary>
    public async Task<IReadOnlyList<MessageRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MessageTable.ListAsync(connection, "state = 'quarantined'", new Dictionary<string, object?>(), limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One message with its recipients and history, or null.</summary>
    public async Task<(MessageRecord Message, IReadOnlyList<AuditEntry> History)?> ShowAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
        return message is null ? null : (message, await AuditLog.ForMessageAsync(connection, id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Opens the original bytes of a stored message.</summary>
    public Task<Stream> OpenOriginalAsync(MessageRecord message, CancellationToken cancellationToken = default) => store.OpenAsync(message, cancellationToken);

    /// <summary>Releases one message: <see cref="ReleaseAsync(IReadOnlyList{string}, ReleaseRequest, CancellationToken)"/> for a selection of one.</summary>
    public async Task<ReleaseResult> ReleaseAsync(string id, ReleaseRequest request, CancellationToken cancellationToken = default) =>
        (await ReleaseAsync([id], request, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Releases quarantined messages for delivery, each with one conditional update (quarantined → queued), so of two
    /// simultaneous releases exactly one wins. Disguised or executable content needs <see cref="ReleaseRequest.MayReleaseRisky"/>
    /// and a reason; when any selected message lacks them, <b>nothing</b> of the selection is released (the others are
    /// <see cref="ReleaseOutcome.SelectionRefused"/>): the operator confirmed a set, and a silent part of it would surprise.
    /// Every release and every refusal (not quarantined, already released, deleted, unknown id, authority, reason) is in
    /// the audit log. Results are in the order of <paramref name="ids"/>, duplicates removed.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is longer than <see cref="ReleaseRequest.MaxReasonLength"/>.</exception>
    public async Task<IReadOnlyList<ReleaseResult>> ReleaseAsync(IReadOnlyList<string> ids, ReleaseRequest request, CancellationToken cancellationToken = default)
    {
        var reason = request.CleanReason;
        if (reason is { Length: > ReleaseRequest.MaxReasonLength })
        {
            throw new ArgumentException($"the reason is longer than {ReleaseRequest.MaxReasonLength} characters", nameof(request));
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<string, ReleaseResult>(StringComparer.Ordinal);
        var candidates = new List<(MessageRecord Message, IReadOnlyList<string> Risky)>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var message = QueueId.IsValid(id) ? await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false) : null;
            if (message?.State == MessageState.Quarantined)
            {
                candidates.Add((message, ReleaseReview.RiskyPaths(message)));
            }
            else
            {
                results[id] = new ReleaseResult(id, NotReleasable(message), []);
            }
        }

        var refusal = !candidates.Any(c => c.Risky.Count > 0) ? (ReleaseOutcome?)null
            : !request.MayReleaseRisky ? ReleaseOutcome.AdminRequired
            : reason is null ? ReleaseOutcome.ReasonRequired
            : null;
        foreach (var (message, risky) in candidates)
        {
            results[message.Id] = refusal is { } refused
                ? new ReleaseResult(message.Id, risky.Count > 0 ? refused : ReleaseOutcome.SelectionRefused, risky)
                : await ReleaseOneAsync(connection, message, risky, request.Actor, reason, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        foreach (var refused in results.Values.Where(r => !r.Released))
        {
            await AuditLog.AppendAsync(connection, null, now, request.Actor, AuditActions.ReleaseRefused, QueueId.IsValid(refused.Id) ? refused.Id : null,
                QueueId.IsValid(refused.Id) ? ReleaseTexts.AuditLine(refused) : $"{ReleaseTexts.AuditLine(refused)}: {Shorten(refused.Id)}", cancellationToken)
                .ConfigureAwait(false);
        }

        return ids.Distinct(StringComparer.Ordinal).Select(id => results[id]).ToList();
    }

    private async Task<ReleaseResult> ReleaseOneAsync(System.Data.Common.DbConnection connection, MessageRecord message, IReadOnlyList<string> risky,
        string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var transaction = (System.Data.Common.DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await MessageTable.ReleaseAsync(connection, transaction, message.Id, actor, now, now + delivery.Value.MaxLifetime, cancellationToken).ConfigureAwait(false))
            {
                await AuditLog.AppendAsync(connection, transaction, now, actor, AuditActions.Release, message.Id, ReleaseTexts.ReleaseDetail(reason, risky), cancellationToken)
                    .ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ReleaseResult(message.Id, ReleaseOutcome.Released, risky);
            }
        }

        // Another operator (or a purge) got there between the read and the update: say what it became.
        var current = await MessageTable.GetAsync(connection, message.Id, cancellationToken).ConfigureAwait(false);
        return new ReleaseResult(message.Id, NotReleasable(current), risky);
    }

    private static ReleaseOutcome NotReleasable(MessageRecord? message) => message switch
    {
        null => ReleaseOutcome.NotFound,
        { ReleasedAt: not null } => ReleaseOutcome.AlreadyReleased,
        { State: MessageState.Deleted or MessageState.Purged } => ReleaseOutcome.Deleted,
        _ => ReleaseOutcome.NotQuarantined,
    };

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>
    /// Queues the quarantine notice (隔離のお知らせ) to the message's sender: which attachment, why, and what to do. The
    /// gateway delivers it like any mail. False when no notice is possible (unknown message, null sender).
    /// </summary>
    public async Task<bool> NotifySenderAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
        if (message is null || message.EnvelopeFrom.Length == 0 || message.Origin != MessageOrigin.Smtp)
        {
            return false;
        }

        var findings = System.Text.Json.JsonSerializer.Deserialize<List<Finding>>(message.FindingsJson, ReportJson.Options) ?? [];
        var notice = notices.Create(new QuarantinedMessage
        {
            QuarantineId = message.Id,
            Envelope = new Envelope(message.EnvelopeFrom, message.Recipients.Select(r => r.Address).ToList()),
            Verdict = new Verdict
            {
                Action = PolicyAction.Quarantine,
                Rule = message.Rule,
                Findings = findings,
                ExternalRecipients = message.Recipients.Where(r => r.External).Select(r => r.Address).ToList(),
                Confirmation = ConfirmationStatus.Absent,
            },
            Subject = message.Subject,
            SentAt = message.ReceivedAt,
        });
        if (notice is null)
        {
            return false;
        }

        var record = await outbound.StoreAsync(notice, MessageOrigin.Notice, message.EnvelopeFrom, "notice", QuarantineNotice.EnvelopeSender, cancellationToken).ConfigureAwait(false);
        await using var transaction = (System.Data.Common.DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await MessageTable.InsertAsync(connection, transaction, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditLog.AppendAsync(connection, transaction, record.ReceivedAt, actor, AuditActions.Notify, message.Id, $"notice {record.Id} to {message.EnvelopeFrom}",
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Deletes a quarantined message (its bytes go; its record and history stay). True when this call deleted it.</summary>
    public Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken = default) =>
        RemoveAsync(id, actor, MessageState.Deleted, AuditActions.Delete, null, cancellationToken);

    /// <summary>Purges quarantined messages older than the retention period; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var expired = await MessageTable.ListAsync(connection, "state = 'quarantined' AND received_at < @cutoff",
            new Dictionary<string, object?> { ["@cutoff"] = cutoff.ToUnixTimeMilliseconds() }, 10_000, cancellationToken).ConfigureAwait(false);
        var purged = 0;
        foreach (var message in expired)
        {
            var detail = $"retention {options.Value.Retention.TotalDays:0.#} days";
            if (await RemoveAsync(message.Id, AuditLog.System, MessageState.Purged, AuditActions.Purge, detail, cancellationToken).ConfigureAwait(false))
            {
                purged++;
            }
        }

        return purged;
    }

    private async Task<bool> RemoveAsync(string id, string actor, string state, string action, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        MessageRecord? message;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
            if (message is null || message.State != MessageState.Quarantined)
            {
                return false;
            }

            await using var transaction = (System.Data.Common.DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (!await MessageTable.UpdateStateAsync(connection, transaction, id, MessageState.Quarantined, state, message.Attempts, null, null, now, cancellationToken)
                .ConfigureAwait(false))
            {
                return false;
            }

            await AuditLog.AppendAsync(connection, transaction, now, actor, action, id, detail, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The bytes go after the commit: a crash in between leaves a file to sweep, never a record pointing at nothing.
        await store.ForgetAsync(message, cancellationToken).ConfigureAwait(false);

        return true;
    }
}
