namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>How long quarantined mail is kept and whether senders are told. Bound from <c>SafeMail:Quarantine</c>.</summary>
public sealed class QuarantineOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Quarantine";

    /// <summary>Quarantined mail older than this is purged (and the purge recorded). Default 30 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Tell the sender, in Japanese and English, when a message is quarantined. Default false.</summary>
    public bool NotifySender { get; set; }

    /// <summary>Who senders may contact about quarantined mail, shown in notices (e.g. "情報システム部 内線 1234 / it-help@example.co.jp").</summary>
    public string? OperatorContact { get; set; }

    /// <summary>
    /// The address quarantine notices and delivery reports come from, with or without a display name. Default: notices
    /// from <c>postmaster@</c> the server name, delivery reports from <c>Mail Delivery System &lt;MAILER-DAEMON@</c> the
    /// server name<c>&gt;</c>, the name mail programs and filters recognise as a bounce.
    /// </summary>
    public string? NoticeFrom { get; set; }
}
