using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Storage.Audit;

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
    /// <summary>A release was refused: not quarantined (already released, deleted, no such message), or disguised or executable content without an admin and a reason.</summary>
    public const string ReleaseRefused = "release-refused";
    /// <summary>Mail released from the quarantine reached recipients (the upstream accepted it).</summary>
    public const string Deliver = "deliver";
    /// <summary>Mail released from the quarantine was not accepted yet (a temporary failure): it is retried.</summary>
    public const string Defer = "defer";

    /// <summary>An admin saved (or rolled back) the policy.</summary>
    public const string PolicyChange = "policy-change";
    /// <summary>Someone signed in to the console.</summary>
    public const string SignIn = "sign-in";
    /// <summary>A sign-in was refused (wrong password, locked, disabled).</summary>
    public const string SignInFailed = "sign-in-failed";
    /// <summary>A console account was added or changed (role, password, disabled).</summary>
    public const string UserChange = "user-change";
    /// <summary>An admin downloaded a message's original bytes.</summary>
    public const string Download = "download";
    /// <summary>Someone exported the audit log.</summary>
    public const string Export = "export";

    /// <summary>A sender confirmed recipients and attachments in the add-in and got a signed stamp.</summary>
    public const string Confirmation = "confirmation";

    /// <summary>The add-in made a password-protected archive for a sender.</summary>
    public const string Protect = "protect";

    /// <summary>A recipient was sent the password of an archive the message carried.</summary>
    public const string PasswordMail = "password-mail";

    /// <summary>A password mail could not be sent (given up after retries, or the password was no longer kept).</summary>
    public const string PasswordMailFailed = "password-mail-failed";

    /// <summary>A message named an archive it may not claim (another sender's, or a file it does not carry): no password mail.</summary>
    public const string PasswordRefused = "password-refused";

    /// <summary>The policy held a message for its sender to cancel (送信保留).</summary>
    public const string Hold = "hold";
    /// <summary>The sender (or an operator) cancelled a held message: it is never sent.</summary>
    public const string Cancel = "cancel";
    /// <summary>The sender (or an operator) sent a held message before its time.</summary>
    public const string SendNow = "send-now";
    /// <summary>The policy asked an approver to decide on a message (上長承認).</summary>
    public const string ApprovalRequest = "approval-request";
    /// <summary>An approver (or an admin) approved a message: it goes out.</summary>
    public const string Approve = "approve";
    /// <summary>An approver (or an admin) rejected a message, or no one decided in time: it is never sent.</summary>
    public const string Decline = "decline";
    /// <summary>A cancel, send-now, approval or rejection was refused (not the sender's or approver's, already decided, already sent).</summary>
    public const string DecisionRefused = "decision-refused";
    /// <summary>The gateway moved the visible To/Cc of a message to Bcc (BCC変換).</summary>
    public const string ConvertToBcc = "convert-to-bcc";
    /// <summary>The gateway put a message's unprotected attachments into a password-protected ZIP (action Encrypt).</summary>
    public const string Encrypt = "encrypt";
    /// <summary>The gateway replaced a message's attachments by a download link (action Link).</summary>
    public const string LinkCreate = "link-create";
    /// <summary>Someone opened a live download link's page (before any code: nothing of it was shown).</summary>
    public const string LinkView = "link-view";
    /// <summary>A one-time code for a download link was sent to one of its recipients.</summary>
    public const string LinkCode = "link-code";
    /// <summary>A recipient proved their address on the download page.</summary>
    public const string LinkOpen = "link-open";
    /// <summary>A file of a download link was downloaded (or all of them as a ZIP).</summary>
    public const string LinkDownload = "link-download";
    /// <summary>The download page refused something: a wrong or used-up code, an address not among the recipients, too many codes, an expired or revoked link.</summary>
    public const string LinkRefused = "link-refused";
    /// <summary>A download link was revoked by its sender or an operator.</summary>
    public const string LinkRevoke = "link-revoke";

    /// <summary>Someone reported a message as misdirected (誤送信の報告, ADR-020): an incident was opened.</summary>
    public const string IncidentReport = "incident-report";
    /// <summary>One containment step of a report ran (held mail cancelled, approval declined, what was already delivered).</summary>
    public const string IncidentContain = "incident-contain";
    /// <summary>The security office was sent the report.</summary>
    public const string IncidentNotify = "incident-notify";
    /// <summary>An incident's work log, root cause or corrective action was written.</summary>
    public const string IncidentUpdate = "incident-update";
    /// <summary>An incident was closed.</summary>
    public const string IncidentClose = "incident-close";
    /// <summary>A report or a change to an incident was refused (another sender's message, no such incident, already closed).</summary>
    public const string IncidentRefused = "incident-refused";
    /// <summary>Someone exported the incidents.</summary>
    public const string IncidentExport = "incident-export";

    /// <summary>Every action, in the order the audit log's filter lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Quarantine, Reject, Release, ReleaseRefused, Deliver, Defer, Delete, Purge, Notify, Bounce, PolicyChange, SignIn, SignInFailed, UserChange, Download, Export,
        Confirmation, Protect, PasswordMail, PasswordMailFailed, PasswordRefused,
        Hold, Cancel, SendNow, ApprovalRequest, Approve, Decline, DecisionRefused, ConvertToBcc, Encrypt, LinkCreate, LinkView, LinkCode, LinkOpen, LinkDownload, LinkRefused, LinkRevoke,
        IncidentReport, IncidentContain, IncidentNotify, IncidentUpdate, IncidentClose, IncidentRefused, IncidentExport,
    ];

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
        ReleaseRefused => new("解放の拒否", "release refused"),
        Deliver => new("配送（解放後）", "delivered (after release)"),
        Defer => new("配送の再送待ち（解放後）", "delivery deferred (after release)"),
        PolicyChange => new("ポリシー変更", "policy changed"),
        SignIn => new("サインイン", "signed in"),
        SignInFailed => new("サインイン失敗", "sign-in refused"),
        UserChange => new("ユーザー変更", "user changed"),
        Download => new("原本のダウンロード", "original downloaded"),
        Export => new("監査ログの出力", "audit log exported"),
        Confirmation => new("宛先確認", "recipients confirmed"),
        Protect => new("添付ファイルの暗号化", "attachments encrypted"),
        PasswordMail => new("パスワード通知の送信", "password mail sent"),
        PasswordMailFailed => new("パスワード通知の失敗", "password mail failed"),
        PasswordRefused => new("パスワード通知の拒否", "password mail refused"),
        Hold => new("送信保留", "held"),
        Cancel => new("送信取り消し", "cancelled"),
        SendNow => new("すぐに送信", "sent now"),
        ApprovalRequest => new("承認依頼", "approval requested"),
        Approve => new("承認", "approved"),
        Decline => new("却下", "not approved"),
        DecisionRefused => new("操作の拒否", "action refused"),
        ConvertToBcc => new("BCC変換", "moved to Bcc"),
        Encrypt => new("ゲートウェイでの暗号化", "encrypted by the gateway"),
        LinkCreate => new("ダウンロードリンクの作成", "download link made"),
        LinkView => new("ダウンロードページの表示", "download page viewed"),
        LinkCode => new("確認コードの送信", "confirmation code sent"),
        LinkOpen => new("ダウンロードページの表示（本人確認済み）", "download page opened (address proven)"),
        LinkDownload => new("ファイルのダウンロード", "file downloaded"),
        LinkRefused => new("ダウンロードの拒否", "download refused"),
        LinkRevoke => new("ダウンロードリンクの取り消し", "download link revoked"),
        IncidentReport => new("誤送信の報告", "misdelivery reported"),
        IncidentContain => new("誤送信の報告による送信停止", "contained after a report"),
        IncidentNotify => new("セキュリティ事務局へ通知", "security office notified"),
        IncidentUpdate => new("誤送信対応の記録", "incident updated"),
        IncidentClose => new("誤送信対応の完了", "incident closed"),
        IncidentRefused => new("誤送信の報告・記録の拒否", "incident action refused"),
        IncidentExport => new("誤送信記録の出力", "incidents exported"),
        _ => new(action, action),
    };
}
