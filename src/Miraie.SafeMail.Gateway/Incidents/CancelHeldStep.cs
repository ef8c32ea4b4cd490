using Miraie.SafeMail.Gateway.Waiting;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// A held message (送信保留) is cancelled at once, through <see cref="HeldMailService.CancelAsync"/> — the same conditional
/// change as the pane's cancel, so of the report and the clock exactly one wins, and the cancel is audited under the
/// reporter's name. Mail the policy never held is none of this step's business.
/// </summary>
public sealed class CancelHeldStep(HeldMailService held) : IContainmentStep
{
    /// <inheritdoc/>
    public string Name => "cancel-held";

    /// <inheritdoc/>
    public async Task<ContainmentResult?> ContainAsync(ContainmentContext context, CancellationToken cancellationToken)
    {
        if (context.Message.Verdict != "hold")
        {
            return null;
        }

        var result = await held.CancelAsync(context.Reporter, context.Message.Id, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            DecisionOutcome.Done => new(Name, ContainmentOutcome.Stopped, new("送信保留中だったため、送信を取り消しました。このメールは送信されません。",
                "It was still held: sending was cancelled. This message will not be sent.")),
            DecisionOutcome.AlreadyCancelled => new(Name, ContainmentOutcome.AlreadyStopped, new("送信保留中に、すでに送信が取り消されていました。",
                "Sending had already been cancelled while it was held.")),
            DecisionOutcome.AlreadySent => new(Name, ContainmentOutcome.Left, new("送信保留の時間が過ぎていたか、すでに「すぐに送信」されていたため、取り消せませんでした。",
                "Its hold had already ended (its time came, or it was sent now): it could not be cancelled.")),
            _ => null,
        };
    }
}
