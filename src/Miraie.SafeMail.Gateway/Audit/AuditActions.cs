using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Audit;

/// <summary>What an audit entry records. Stored as these exact words; shown to people through <see cref="Text"/>.</summary>
public static class AuditActions
{
    /// <summary>The policy held a message.</summary>
    public const string Quarantine = "quarantine";
    /// <summary>The policy refused a message at the end of DATA.</summary>
    public const string Reject = "reject";
    /// <summary>An operator released a quarantined message for delivery.</summary>
    public const string Release = "release";
    /// <summary>An operator deleted a quarantined message.</summary>
    public const string Delete = "delete";
    /// <summary>The retention period removed a quarantined message.</summary>
    public const string Purge = "purge";
    /// <summary>The sender was sent the quarantine notice.</summary>
    public const string Notify = "notify";
    /// <summary>Delivery failed for good and the sender got a delivery status notification.</summary>
    public const string Bounce = "bounce";

    /// <summary>The action in Japanese and English, in the glossary's words; an unknown word is shown as stored.</summary>
    public static LocalizedText Text(string action) => action switch
    {
        Quarantine => new("隔離", "quarantined"),
        Reject => new("拒否", "rejected"),
        Release => new("解放", "released"),
        Delete => new("削除", "deleted"),
        Purge => new("保存期間切れで削除", "purged (retention)"),
        Notify => new("送信者へ通知", "sender notified"),
        Bounce => new("配送エラー通知", "delivery failure reported"),
        _ => new(action, action),
    };
}
