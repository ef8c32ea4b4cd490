namespace Miraie.SafeMail.Core.Policy;

/// <summary>What happens to a message when a rule decides.</summary>
public enum PolicyAction
{
    /// <summary>Deliver it (通過).</summary>
    Pass,
    /// <summary>Keep it in the quarantine for an operator (隔離).</summary>
    Quarantine,
    /// <summary>Refuse it at end of DATA with a 5xx reply and the reason (拒否).</summary>
    Reject,
    /// <summary>Keep it for <see cref="PolicyRule.HoldFor"/>, cancellable by its sender, then deliver it (送信保留).</summary>
    Hold,
    /// <summary>Deliver it only when an approver (<see cref="PolicyRule.Approvers"/>) approves it in time (上長承認).</summary>
    Approve,
    /// <summary>Deliver it with its visible To/Cc replaced by an undisclosed-recipients group, every envelope recipient kept (BCC変換).</summary>
    ConvertToBcc,
    /// <summary>
    /// Deliver it with its unprotected attachments put into a password-protected ZIP by the gateway, the password sent to
    /// each recipient separately after delivery (ゲートウェイ暗号化: for mail that did not go through the add-in).
    /// </summary>
    Encrypt,
    /// <summary>
    /// Deliver it without its attachments, which are kept unaltered and offered to its recipients on the download page;
    /// the message carries a short note with the link (ダウンロードリンク: the way out of PPAP).
    /// </summary>
    Link,
    /// <summary>
    /// Send files the way each recipient domain receives them (<see cref="PolicyOptions.FileDelivery"/>): as they are, in
    /// a password ZIP, as a download link, or not at all (宛先ドメイン別の送り方).
    /// </summary>
    ByDomain,
}
