using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>Where a message is in its life. Stored as these exact words.</summary>
public static class MessageState
{
    /// <summary>Waiting for (another) delivery attempt.</summary>
    public const string Queued = "queued";
    /// <summary>Every recipient accepted it upstream (or it was written to the pickup folder).</summary>
    public const string Delivered = "delivered";
    /// <summary>Held by the policy until an operator releases or deletes it.</summary>
    public const string Quarantined = "quarantined";
    /// <summary>Delivery failed for good (5xx or lifetime expired); the sender got a delivery status notification.</summary>
    public const string Failed = "failed";
    /// <summary>An operator deleted it from the quarantine.</summary>
    public const string Deleted = "deleted";
    /// <summary>Removed from the quarantine by the retention period.</summary>
    public const string Purged = "purged";
    /// <summary>Refused at end of DATA with a 5xx reply; kept as a record only (no bytes).</summary>
    public const string Rejected = "rejected";
    /// <summary>送信保留: waiting until <c>next_attempt_at</c> for its sender to cancel it; then queued.</summary>
    public const string Held = "held";
    /// <summary>上長承認待ち: waiting for an approver until <c>expires_at</c>; approved → queued, rejected or out of time → declined.</summary>
    public const string AwaitingApproval = "awaiting-approval";
    /// <summary>Its sender (or an operator) cancelled it while it was held: never sent.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>An approver rejected it, or no one decided in time: never sent.</summary>
    public const string Declined = "declined";

    /// <summary>
    /// The states whose message still needs its bytes in the spool or in message_bytes (quarantined mail keeps its own
    /// file or row), as an SQL list: <c>state IN</c> this.
    /// </summary>
    public const string WaitingSql = "('queued', 'held', 'awaiting-approval')";

    /// <summary>True for the states of <see cref="WaitingSql"/>.</summary>
    public static bool IsWaiting(string state) => state is Queued or Held or AwaitingApproval;

    /// <summary>The state in Japanese and English, in the glossary's words; an unknown word is shown as stored.</summary>
    public static LocalizedText Text(string state) => state switch
    {
        Queued => new("配送待ち", "queued"),
        Delivered => new("配送済み", "delivered"),
        Quarantined => new("隔離中", "quarantined"),
        Failed => new("配送失敗", "failed"),
        Deleted => new("削除済み", "deleted"),
        Purged => new("保存期間切れで削除", "purged"),
        Rejected => new("拒否", "rejected"),
        Held => new("送信保留中", "held"),
        AwaitingApproval => new("承認待ち", "awaiting approval"),
        Cancelled => new("送信取り消し", "cancelled"),
        Declined => new("承認されず", "not approved"),
        _ => new(state, state),
    };
}
