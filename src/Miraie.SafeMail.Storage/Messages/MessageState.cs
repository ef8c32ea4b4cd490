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
        _ => new(state, state),
    };
}
