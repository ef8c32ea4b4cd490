using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// 送信保留: mail the policy holds for a while so its sender can take it back. A held message waits in the database
/// (state <c>held</c>, leaving at <c>next_attempt_at</c>), so a restart or a node's death keeps the clock. The sender — or
/// an operator — may cancel it or send it now; each is one conditional change against the clock's own (held → queued,
/// <see cref="ReleaseDueAsync"/>), so a cancel at the last moment either stops the message or is told it has left.
/// </summary>
public sealed class HeldMailService(SafeMailDatabase database, WaitingStore store, TimeProvider time)
{
    /// <summary>The most held messages listed at once.</summary>
    public const int MaxList = 1000;

    /// <summary>Held mail the actor may see, newest first: their own, or everyone's for an operator.</summary>
    public Task<IReadOnlyList<MessageRecord>> ListAsync(WaitingActor actor, int limit = 200, CancellationToken cancellationToken = default) =>
        actor.IsOperator ? store.ListAsync(MessageState.Held, null, null, Math.Clamp(limit, 1, MaxList), cancellationToken)
        : actor.Address is { Length: > 0 } address ? store.ListAsync(MessageState.Held, address, null, Math.Clamp(limit, 1, MaxList), cancellationToken)
        : Task.FromResult<IReadOnlyList<MessageRecord>>([]);

    /// <summary>One message, when the actor may see it (their own, or anyone's for an operator); null otherwise.</summary>
    public async Task<MessageRecord?> GetAsync(WaitingActor actor, string id, CancellationToken cancellationToken = default)
    {
        var message = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return message is not null && (actor.IsOperator || actor.Sent(message.EnvelopeFrom)) ? message : null;
    }

    /// <summary>Cancels a held message: it is never sent. Exactly one of a cancel and the clock wins.</summary>
    public Task<DecisionResult> CancelAsync(WaitingActor actor, string id, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, id, DecisionTexts.Cancel, cancellationToken);

    /// <summary>Ends a hold early: the message goes out now.</summary>
    public Task<DecisionResult> SendNowAsync(WaitingActor actor, string id, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, id, DecisionTexts.SendNow, cancellationToken);

    /// <summary>
    /// Moves held messages whose time has come to the queue; returns their ids, for the caller to deliver. Any node may
    /// run it at any time; each message moves once.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReleaseDueAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await WaitingTable.ReleaseDueHoldsAsync(connection, time.GetUtcNow(), limit, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DecisionResult> DecideAsync(WaitingActor actor, string id, string action, CancellationToken cancellationToken)
    {
        var message = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var audited = action == DecisionTexts.Cancel ? AuditActions.Cancel : AuditActions.SendNow;
        if (message is null)
        {
            return await store.RefuseAsync(id, DecisionOutcome.NotFound, audited, actor.Name, cancellationToken).ConfigureAwait(false);
        }

        if (!actor.IsOperator && !actor.Sent(message.EnvelopeFrom))
        {
            // Not theirs: answered as if there were no such message, so ids of other people's mail cannot be probed.
            return await store.RefuseAsync(id, DecisionOutcome.NotFound, audited, actor.Name, cancellationToken).ConfigureAwait(false);
        }

        if (message.State != MessageState.Held)
        {
            return await store.RefuseAsync(id, WaitingStore.Lost(message, MessageState.Held), audited, actor.Name, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var result = action == DecisionTexts.Cancel
            ? await store.DecideAsync(message, MessageState.Held, MessageState.Cancelled, audited, actor.Name, null, null, null, null, cancellationToken).ConfigureAwait(false)
            : await store.DecideAsync(message, MessageState.Held, MessageState.Queued, audited, actor.Name, null, now, null, null, cancellationToken).ConfigureAwait(false);
        return result.Done ? result : await store.RefuseAsync(id, result.Outcome, audited, actor.Name, cancellationToken).ConfigureAwait(false);
    }
}
