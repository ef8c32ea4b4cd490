using System.Data.Common;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// What held mail and approvals share: reading a message, one conditional state change with its audit entry and the
/// notice it causes, all in one transaction (so a decision is never recorded without its notice, nor twice), and the
/// answer for a change that lost (what the message became instead). Refusals are audited too.
/// </summary>
public sealed class WaitingStore(SafeMailDatabase database, MessageStore store, OutboundMail outbound, WaitingNotices notices, TimeProvider time)
{
    /// <summary>The message, or null for an unknown or malformed id.</summary>
    public async Task<MessageRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!QueueId.IsValid(id))
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waiting mail in <paramref name="state"/>, newest first, narrowed to a sender or an approver when given.</summary>
    public async Task<IReadOnlyList<MessageRecord>> ListAsync(string state, string? sender, string? approver, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await WaitingTable.ListAsync(connection, state, sender, approver, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the original bytes of a waiting message (to show its body as text).</summary>
    public Task<Stream> OpenAsync(MessageRecord message, CancellationToken cancellationToken) => store.OpenAsync(message, cancellationToken);

    /// <summary>
    /// Changes <paramref name="message"/> from <paramref name="expected"/> to <paramref name="state"/>, audited as
    /// <paramref name="action"/> by <paramref name="actor"/>, with <paramref name="notice"/> to its sender when given.
    /// Done only for the one caller whose change took; otherwise says what the message became.
    /// </summary>
    public async Task<DecisionResult> DecideAsync(MessageRecord message, string expected, string state, string action, string actor, string? note,
        DateTimeOffset? nextAttemptAt, DateTimeOffset? expiresAt, WaitingNotice? notice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var finished = MessageState.IsWaiting(state) ? (DateTimeOffset?)null : now;
        var decided = message with { State = state, DecidedBy = actor, DecidedAt = now, DecisionNote = note };
        var mail = notice is { } kind ? notices.Create(kind, decided, message.EnvelopeFrom, note) : null;
        var record = mail is null ? null
            : await outbound.StoreAsync(mail, MessageOrigin.Notice, message.EnvelopeFrom, "notice", QuarantineNotice.EnvelopeSender, cancellationToken).ConfigureAwait(false);

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await WaitingTable.DecideAsync(connection, transaction, message.Id, expected, state, actor, note, now, nextAttemptAt, expiresAt, finished,
                cancellationToken).ConfigureAwait(false))
            {
                await AuditLog.AppendAsync(connection, transaction, now, actor, action, message.Id, note, cancellationToken).ConfigureAwait(false);
                if (record is not null)
                {
                    await MessageTable.InsertAsync(connection, transaction, record, cancellationToken: cancellationToken).ConfigureAwait(false);
                    await AuditLog.AppendAsync(connection, transaction, now, actor, AuditActions.Notify, message.Id, $"notice {record.Id} to {message.EnvelopeFrom}",
                        cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new DecisionResult(message.Id, DecisionOutcome.Done);
            }
        }

        if (record is not null)
        {
            await store.ForgetAsync(record, cancellationToken).ConfigureAwait(false); // the notice of a change that did not take
        }

        var current = await MessageTable.GetAsync(connection, message.Id, cancellationToken).ConfigureAwait(false);
        return new DecisionResult(message.Id, Lost(current, expected));
    }

    /// <summary>Audits a refused decision (not theirs, already decided, no such message) with what they were told.</summary>
    public async Task<DecisionResult> RefuseAsync(string id, DecisionOutcome outcome, string action, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var valid = QueueId.IsValid(id);
        await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), actor, AuditActions.DecisionRefused, valid ? id : null,
            $"{action}: {outcome}" + (valid ? "" : $" ({(id.Length <= 64 ? id : id[..64] + "…")})"), cancellationToken).ConfigureAwait(false);
        return new DecisionResult(id, outcome);
    }

    /// <summary>Why a message in this state cannot take a decision that expects <paramref name="expected"/>.</summary>
    public static DecisionOutcome Lost(MessageRecord? current, string expected) => current?.State switch
    {
        null => DecisionOutcome.NotFound,
        var s when s == expected => DecisionOutcome.NotWaiting, // unreachable but for a race: say nothing changed
        MessageState.Queued or MessageState.Delivered or MessageState.Failed => current.Verdict is "hold" or "approve" ? DecisionOutcome.AlreadySent : DecisionOutcome.NotWaiting,
        MessageState.Cancelled => DecisionOutcome.AlreadyCancelled,
        MessageState.Declined => DecisionOutcome.AlreadyDeclined,
        _ => DecisionOutcome.NotWaiting,
    };
}
