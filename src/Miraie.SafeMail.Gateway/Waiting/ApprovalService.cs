using Microsoft.Extensions.Options;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// 上長承認: mail the policy sends only when an approver approves it in time. The message waits in the database (state
/// <c>awaiting-approval</c>, until <c>expires_at</c>). Its approvers (the sender's manager, listed addresses) — or, when
/// none could be found, an admin — approve it (→ queued) or reject it with a reason (→ declined); no decision in time is
/// a rejection (<see cref="ExpireDueAsync"/>). Each is one conditional change, so two approvers deciding at once decide
/// once; the sender is told either way, by a notice written in the same transaction.
/// </summary>
public sealed class ApprovalService(SafeMailDatabase database, WaitingStore store, IOptions<DeliveryOptions> delivery, TimeProvider time)
{
    /// <summary>Messages awaiting approval the actor may decide on (an admin: all), newest first.</summary>
    public Task<IReadOnlyList<MessageRecord>> ListAsync(WaitingActor actor, int limit = 200, CancellationToken cancellationToken = default) =>
        actor.IsAdmin ? store.ListAsync(MessageState.AwaitingApproval, null, null, Math.Clamp(limit, 1, HeldMailService.MaxList), cancellationToken)
        : actor.Address is { Length: > 0 } address ? store.ListAsync(MessageState.AwaitingApproval, null, address, Math.Clamp(limit, 1, HeldMailService.MaxList), cancellationToken)
        : Task.FromResult<IReadOnlyList<MessageRecord>>([]);

    /// <summary>Messages awaiting approval that the actor sent (so a sender sees what waits for their manager).</summary>
    public Task<IReadOnlyList<MessageRecord>> ListSentAsync(WaitingActor actor, int limit = 200, CancellationToken cancellationToken = default) =>
        actor.Address is { Length: > 0 } address
            ? store.ListAsync(MessageState.AwaitingApproval, address, null, Math.Clamp(limit, 1, HeldMailService.MaxList), cancellationToken)
            : Task.FromResult<IReadOnlyList<MessageRecord>>([]);

    /// <summary>One message, when the actor may decide on it or sent it (an admin: any); null otherwise.</summary>
    public async Task<MessageRecord?> GetAsync(WaitingActor actor, string id, CancellationToken cancellationToken = default)
    {
        var message = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return message is not null && (MayDecide(actor, message) || actor.Sent(message.EnvelopeFrom)) ? message : null;
    }

    /// <summary>True when the actor may approve or reject the message: one of its approvers (not its own sender), or an admin.</summary>
    public static bool MayDecide(WaitingActor actor, MessageRecord message) =>
        actor.IsAdmin || (actor.Approves(message.Approvers) && !actor.Sent(message.EnvelopeFrom));

    /// <summary>Approves a message: it goes out now.</summary>
    public Task<DecisionResult> ApproveAsync(WaitingActor actor, string id, string? note = null, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, id, approve: true, Clean(note), cancellationToken);

    /// <summary>Rejects a message with a reason: it is never sent, and the sender is told why.</summary>
    public Task<DecisionResult> RejectAsync(WaitingActor actor, string id, string? reason, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, id, approve: false, Clean(reason), cancellationToken);

    /// <summary>Rejects every message whose time to decide has run out (the sender is told); returns how many this call rejected.</summary>
    public async Task<int> ExpireDueAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> due;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            due = await WaitingTable.OutOfTimeAsync(connection, time.GetUtcNow(), limit, cancellationToken).ConfigureAwait(false);
        }

        var expired = 0;
        foreach (var id in due)
        {
            if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { State: MessageState.AwaitingApproval } message
                && (await store.DecideAsync(message, MessageState.AwaitingApproval, MessageState.Declined, AuditActions.Decline, AuditLog.System, "expired",
                    null, null, WaitingNotice.Expired, cancellationToken).ConfigureAwait(false)).Done)
            {
                expired++;
            }
        }

        return expired;
    }

    private async Task<DecisionResult> DecideAsync(WaitingActor actor, string id, bool approve, string? note, CancellationToken cancellationToken)
    {
        var action = approve ? AuditActions.Approve : AuditActions.Decline;
        var message = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (message is null || !(MayDecide(actor, message) || actor.Sent(message.EnvelopeFrom)))
        {
            return await store.RefuseAsync(id, DecisionOutcome.NotFound, action, actor.Name, cancellationToken).ConfigureAwait(false);
        }

        if (!MayDecide(actor, message))
        {
            return await store.RefuseAsync(id, DecisionOutcome.NotAllowed, action, actor.Name, cancellationToken).ConfigureAwait(false); // its own sender
        }

        if (message.State != MessageState.AwaitingApproval)
        {
            return await store.RefuseAsync(id, WaitingStore.Lost(message, MessageState.AwaitingApproval), action, actor.Name, cancellationToken).ConfigureAwait(false);
        }

        if (!approve && note is null)
        {
            return await store.RefuseAsync(id, DecisionOutcome.ReasonRequired, action, actor.Name, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var result = approve
            ? await store.DecideAsync(message, MessageState.AwaitingApproval, MessageState.Queued, action, actor.Name, note, now, now + delivery.Value.MaxLifetime,
                WaitingNotice.Approved, cancellationToken).ConfigureAwait(false)
            : await store.DecideAsync(message, MessageState.AwaitingApproval, MessageState.Declined, action, actor.Name, note, null, null,
                WaitingNotice.Rejected, cancellationToken).ConfigureAwait(false);
        return result.Done ? result : await store.RefuseAsync(id, result.Outcome, action, actor.Name, cancellationToken).ConfigureAwait(false);
    }

    private static string? Clean(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > DecisionTexts.MaxReasonLength)
        {
            throw new ArgumentException($"the reason is longer than {DecisionTexts.MaxReasonLength} characters", nameof(text));
        }

        return new string(trimmed.Where(c => !char.IsControl(c) || c is '\n').ToArray());
    }
}
