using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>The words of decisions on waiting mail, in Japanese and English (GLOSSARY: 送信保留, 送信取り消し, 上長承認, 却下).</summary>
public static class DecisionTexts
{
    /// <summary>Cancel a held message.</summary>
    public const string Cancel = "cancel";
    /// <summary>Send a held message now.</summary>
    public const string SendNow = "send-now";
    /// <summary>Approve a message.</summary>
    public const string Approve = "approve";
    /// <summary>Reject a message.</summary>
    public const string Reject = "reject";

    /// <summary>The longest reason kept with a rejection.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The result of <paramref name="action"/> as one sentence.</summary>
    public static LocalizedText Outcome(string action, DecisionOutcome outcome) => (action, outcome) switch
    {
        (Cancel, DecisionOutcome.Done) => new("送信を取り消しました。このメールは送信されません。", "Cancelled. This message will not be sent."),
        (SendNow, DecisionOutcome.Done) => new("送信保留を解除し、すぐに送信します。", "The hold is lifted; the message is being sent now."),
        (Approve, DecisionOutcome.Done) => new("承認しました。メールを送信します。", "Approved. The message is being sent."),
        (Reject, DecisionOutcome.Done) => new("却下しました。メールは送信されず、送信者に通知します。", "Rejected. The message will not be sent; the sender is told."),
        (_, DecisionOutcome.AlreadySent) => new("このメールはすでに送信されたか、送信中です。取り消せません。",
            "This message has already been sent or is being sent; it can no longer be stopped."),
        (_, DecisionOutcome.AlreadyCancelled) => new("このメールはすでに取り消されています。", "This message was already cancelled."),
        (_, DecisionOutcome.AlreadyDeclined) => new("このメールはすでに却下されたか、承認期限が切れています。送信されません。",
            "This message was already rejected or ran out of time to be approved; it will not be sent."),
        (_, DecisionOutcome.NotWaiting) => new("このメールは送信保留中でも承認待ちでもありません。", "This message is neither held nor awaiting approval."),
        (_, DecisionOutcome.NotFound) => new("該当するメールが見つかりません。", "No such message."),
        (_, DecisionOutcome.NotAllowed) => new("このメールを操作する権限がありません。", "You may not act on this message."),
        (_, DecisionOutcome.ReasonRequired) => new("却下の理由を入力してください。", "Give a reason for the rejection."),
        _ => new(outcome.ToString(), outcome.ToString()),
    };
}
