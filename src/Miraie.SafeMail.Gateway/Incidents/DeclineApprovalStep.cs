using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// A message awaiting approval (上長承認) is declined at once, through <see cref="WaitingStore.DecideAsync"/> — the same
/// conditional change as an approver's rejection, so of the report and an approval exactly one wins. Declining is
/// containment, not a decision on the content: the reporter (its sender, or an operator) may do it although neither may
/// approve. Approvers are not told; the security office is.
/// </summary>
public sealed class DeclineApprovalStep(WaitingStore store) : IContainmentStep
{
    /// <inheritdoc/>
    public string Name => "decline-approval";

    /// <inheritdoc/>
    public async Task<ContainmentResult?> ContainAsync(ContainmentContext context, CancellationToken cancellationToken)
    {
        if (context.Message.Verdict != "approve")
        {
            return null;
        }

        var message = await store.GetAsync(context.Message.Id, cancellationToken).ConfigureAwait(false) ?? context.Message;
        var outcome = message.State == MessageState.AwaitingApproval
            ? (await store.DecideAsync(message, MessageState.AwaitingApproval, MessageState.Declined, AuditActions.Decline, context.Reporter.Name,
                $"incident #{context.IncidentId}", null, null, null, cancellationToken).ConfigureAwait(false)).Outcome
            : WaitingStore.Lost(message, MessageState.AwaitingApproval);
        return outcome switch
        {
            DecisionOutcome.Done => new(Name, ContainmentOutcome.Stopped, new("承認待ちだったため、却下しました。このメールは送信されません。",
                "It was awaiting approval: it was declined. This message will not be sent.")),
            DecisionOutcome.AlreadyDeclined => new(Name, ContainmentOutcome.AlreadyStopped, new("すでに却下されていたか、承認期限が切れていました。送信されていません。",
                "It had already been rejected, or ran out of time to be approved: it was not sent.")),
            DecisionOutcome.AlreadySent => new(Name, ContainmentOutcome.Left, new("すでに承認され、送信されたか送信中でした。止められませんでした。",
                "It had already been approved and sent (or is being sent): it could not be stopped.")),
            _ => null,
        };
    }
}
