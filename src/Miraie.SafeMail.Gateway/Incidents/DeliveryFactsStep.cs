using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// Says truthfully what has left, after the steps before it ran: the message as it is now — not sent to anyone, or which
/// recipients the upstream accepted, which are still being tried and which failed. Nothing is taken back here: the queue
/// never recalls what it handed on.
/// </summary>
public sealed class DeliveryFactsStep(WaitingStore store) : IContainmentStep
{
    /// <inheritdoc/>
    public string Name => "delivery";

    /// <inheritdoc/>
    public async Task<ContainmentResult?> ContainAsync(ContainmentContext context, CancellationToken cancellationToken)
    {
        var message = await store.GetAsync(context.Message.Id, cancellationToken).ConfigureAwait(false) ?? context.Message;
        switch (message.State)
        {
            case MessageState.Cancelled or MessageState.Declined or MessageState.Quarantined or MessageState.Deleted or MessageState.Purged or MessageState.Rejected:
                return new(Name, ContainmentOutcome.NotSent, new($"どの宛先にも送信されていません（状態: {MessageState.Text(message.State).Ja}）。",
                    $"It was not sent to any recipient (status: {MessageState.Text(message.State).En})."));
            case MessageState.Held or MessageState.AwaitingApproval:
                return new(Name, ContainmentOutcome.Failed, new("まだ送信されていませんが、止められませんでした。運用担当者が送信保留・承認待ちの画面で確認してください。",
                    "It has not been sent yet, but could not be stopped: an operator should check it under Held or Approvals."));
        }

        var delivered = Line(message, RecipientState.Delivered);
        var pending = Line(message, RecipientState.Pending);
        var failed = Line(message, RecipientState.Failed);
        var ja = new List<string> { "このメールはすでに送信されたか、送信中です。取り消しはできません。" };
        var en = new List<string> { "This message has already left or is leaving; it cannot be taken back." };
        Add(delivered, new("配送済み（相手のサーバーが受け取りました）", "Delivered (accepted by the recipient's server)"), ja, en);
        Add(pending, new("配送中（再送を含む）", "Being delivered (including retries)"), ja, en);
        Add(failed, new("配送できませんでした", "Could not be delivered"), ja, en);
        return new(Name, ContainmentOutcome.Left, new(string.Join(" ", ja), string.Join(" ", en)));
    }

    private static (string Ja, string En)? Line(MessageRecord message, string state)
    {
        var recipients = message.Recipients.Where(r => r.State == state).ToList();
        return recipients.Count == 0 ? null
            : (string.Join(", ", recipients.Select(r => NoticeFormat.Safe(r.Address) + (r.External ? "（社外）" : ""))),
                string.Join(", ", recipients.Select(r => NoticeFormat.Safe(r.Address) + (r.External ? " (external)" : ""))));
    }

    private static void Add((string Ja, string En)? line, LocalizedText label, List<string> ja, List<string> en)
    {
        if (line is { } l)
        {
            ja.Add($"{label.Ja}: {l.Ja}。");
            en.Add($"{label.En}: {l.En}.");
        }
    }
}
