using System.Text;
using MimeKit;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// Writes the mails about held mail and approvals — to the sender (held, approved, rejected, out of time, moved to Bcc)
/// and to approvers (承認依頼) — Japanese first, then English, as one UTF-8 text part, like the quarantine notice. Pure:
/// built from the message's record only (subject, envelope, findings), never from its body or attachments.
/// </summary>
public sealed class WaitingNotices
{
    private readonly MailboxAddress _from;
    private readonly string? _consoleUrl;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;

    /// <summary>Prepares notices from this gateway.</summary>
    public WaitingNotices(GatewayOptions gateway, QuarantineOptions quarantine, WaitingOptions waiting, TimeProvider time, TimeZoneInfo? displayZone = null)
    {
        _from = NoticeFormat.FromAddress(waiting.NoticeFrom ?? quarantine.NoticeFrom, "postmaster", NoticeFormat.ServerName(gateway), "Miraie SafeMail");
        _consoleUrl = string.IsNullOrWhiteSpace(waiting.ConsoleUrl) ? null : waiting.ConsoleUrl.Trim().TrimEnd('/');
        _time = time;
        _zone = displayZone ?? NoticeFormat.DefaultZone;
    }

    /// <summary>
    /// The notice of <paramref name="kind"/> about <paramref name="message"/> to <paramref name="to"/>; null when <paramref name="to"/>
    /// is the null sender (a bounce has nobody to tell).
    /// </summary>
    public MimeMessage? Create(WaitingNotice kind, MessageRecord message, string to, string? reason = null)
    {
        if (NoticeFormat.IsNullSender(to))
        {
            return null;
        }

        var (prefix, ja, en) = Texts(kind, message, reason);
        return Compose(message, to, prefix, ja, en);
    }

    /// <summary>
    /// To the sender: the gateway put the attachments into a password-protected ZIP (action Encrypt). The password is in
    /// this notice — the sender's own mail, like the password the pane shows for the add-in's archives — so that they can
    /// give it by another way when the password mail does not reach someone, or must give it themselves
    /// (<paramref name="passwordMailed"/> false: password delivery is left to senders). Null for the null sender.
    /// </summary>
    public MimeMessage? Encrypted(MessageRecord message, string to, Encryption.EncryptedMessage archive, bool passwordMailed)
    {
        if (NoticeFormat.IsNullSender(to))
        {
            return null;
        }

        var ja = new StringBuilder();
        var en = new StringBuilder();
        var method = archive.Encryption == Core.Protection.ZipEncryption.ZipCrypto ? "ZipCrypto" : "AES-256";
        ja.AppendLine($"次のメールの添付ファイルは、送信前に SafeMail がパスワード付きZIP（{method}）にしました。");
        en.AppendLine($"Before the message below left, SafeMail put its attachments into a password-protected ZIP ({method}).");
        if (passwordMailed)
        {
            ja.AppendLine("パスワードは、メールを届けた宛先ごとに別のメール（パスワード通知メール）で自動的に送ります。");
            en.AppendLine("The password goes to each recipient the message reached in a separate mail, automatically.");
        }
        else
        {
            ja.AppendLine("パスワードは自動では送られません。電話など、メールとは別の方法で宛先の方に伝えてください。");
            en.AppendLine("The password is not sent for you: give it to the recipients another way than mail (by phone, for example).");
        }

        ja.AppendLine().AppendLine($"ZIPファイル: {NoticeFormat.Safe(archive.ArchiveName)}");
        en.AppendLine().AppendLine($"ZIP file: {NoticeFormat.Safe(archive.ArchiveName)}");
        foreach (var file in archive.Files)
        {
            ja.AppendLine($"  {NoticeFormat.Safe(file)}");
            en.AppendLine($"  {NoticeFormat.Safe(file)}");
        }

        ja.AppendLine($"パスワード: {archive.Password}");
        en.AppendLine($"Password: {archive.Password}");
        ja.AppendLine("このメールは転送しないでください。").AppendLine();
        en.AppendLine("Do not forward this mail.").AppendLine();
        AppendFacts(message, ja, en);
        return Compose(message, to, new("【暗号化して送信】", "[Sent encrypted]"), ja.ToString(), en.ToString());
    }

    /// <summary>The console's address for links in notices (no trailing slash), or null when it is not set.</summary>
    internal string? ConsoleUrl => _consoleUrl;

    /// <summary>The time zone notices show times in.</summary>
    internal TimeZoneInfo Zone => _zone;

    private MimeMessage Compose(MessageRecord message, string to, LocalizedText prefix, string ja, string en) => Compose(message.Subject, to, prefix, ja, en);

    /// <summary>A notice from this gateway to <paramref name="to"/>: the subject prefixed, the Japanese text, a separator, the English text.</summary>
    internal MimeMessage Compose(string? aboutSubject, string to, LocalizedText prefix, string ja, string en)
    {
        var notice = new MimeMessage();
        var subject = NoticeFormat.ShownSubject(aboutSubject, "（件名なし）");
        NoticeFormat.Address(notice, _from, NoticeFormat.Recipient(to, nameof(to)), $"{prefix.Ja}{prefix.En} {subject}",
            TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone), "auto-generated");
        notice.Body = NoticeFormat.PlainText(ja + QuarantineNoticeTexts.Separator + "\r\n\r\n" + en);
        return notice;
    }

    private (LocalizedText Prefix, string Ja, string En) Texts(WaitingNotice kind, MessageRecord m, string? reason)
    {
        var ja = new StringBuilder();
        var en = new StringBuilder();
        var link = _consoleUrl is null ? null : kind == WaitingNotice.ApprovalRequest ? $"{_consoleUrl}/Approvals/{m.Id}" : $"{_consoleUrl}/Held/{m.Id}";
        var until = m.NextAttemptAt is { } at ? NoticeFormat.Date(at, _zone) : "";
        var deadline = m.ExpiresAt is { } by ? NoticeFormat.Date(by, _zone) : "";
        var note = reason is null ? null : NoticeFormat.Safe(reason);
        LocalizedText prefix;
        switch (kind)
        {
            case WaitingNotice.Held:
                prefix = new("【送信保留】", "[Held]");
                ja.AppendLine($"次のメールは {until} まで送信を保留しています。宛先に誤りがある場合は、それまでに送信を取り消してください。");
                ja.AppendLine("取り消し・すぐに送信は、Outlook の SafeMail 作業ウィンドウの「送信保留中」" + (link is null ? "から行えます。" : $"または次のページから行えます:\r\n  {link}"));
                en.AppendLine($"The message below is held until {until}. If a recipient is wrong, cancel it before then.");
                en.AppendLine("Cancel it or send it now under \"Held\" in the SafeMail pane in Outlook" + (link is null ? "." : $" or on this page:\r\n  {link}"));
                break;
            case WaitingNotice.ApprovalRequest:
                prefix = new("【承認依頼】", "[Approval requested]");
                ja.AppendLine($"次のメールの送信には、あなたの承認が必要です。{deadline} までに承認または却下してください。期限を過ぎたメールは送信されません。");
                ja.AppendLine(link is null ? "SafeMail の管理画面の「承認待ち」から承認または却下できます。" : $"次のページから承認または却下できます:\r\n  {link}");
                en.AppendLine($"The message below needs your approval to be sent. Approve or reject it by {deadline}; after that it is not sent.");
                en.AppendLine(link is null ? "Approve or reject it under \"Approvals\" in the SafeMail console." : $"Approve or reject it on this page:\r\n  {link}");
                break;
            case WaitingNotice.Approved:
                prefix = new("【承認されました】", "[Approved]");
                ja.AppendLine($"次のメールは承認されました（承認者: {Who(m)}）。これから送信します。");
                en.AppendLine($"The message below was approved by {Who(m)} and is being sent.");
                break;
            case WaitingNotice.Rejected:
                prefix = new("【却下されました】", "[Not approved]");
                ja.AppendLine($"次のメールは却下されました（承認者: {Who(m)}）。このメールは送信されていません。");
                en.AppendLine($"The message below was rejected by {Who(m)}. It has not been sent.");
                if (note is not null)
                {
                    ja.AppendLine($"理由: {note}");
                    en.AppendLine($"Reason: {note}");
                }

                break;
            case WaitingNotice.Expired:
                prefix = new("【承認期限切れ】", "[Approval expired]");
                ja.AppendLine("次のメールは承認期限までに承認されなかったため、送信されていません。必要な場合は、承認者に連絡のうえ、あらためて送信してください。");
                en.AppendLine("The message below was not approved in time and has not been sent. If it is still needed, talk to your approver and send it again.");
                break;
            case WaitingNotice.ConvertedToBcc:
                prefix = new("【BCC変換】", "[Moved to Bcc]");
                ja.AppendLine("次のメールは、社外の宛先が多数 To/Cc に入っており、受信者どうしでメールアドレスが見える状態でした。"
                    + "誤送信防止のため、To/Cc を表示しない形（BCC）に変えて送信します。受信者は変わりません。");
                ja.AppendLine("社外の多くの方に一斉に送る場合は、宛先を BCC に入れてください。");
                en.AppendLine("The message below showed many external addresses to every recipient in To/Cc. To protect them, it is sent with "
                    + "To/Cc hidden (as Bcc); every recipient still gets it.");
                en.AppendLine("When you write to many people outside the company at once, put them in Bcc.");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        ja.AppendLine();
        en.AppendLine();
        AppendFacts(m, ja, en);
        return (prefix, ja.ToString(), en.ToString());
    }

    private void AppendFacts(MessageRecord m, StringBuilder ja, StringBuilder en) => AppendFacts(m, ja, en, _zone);

    /// <summary>What the message was: subject, sender, time (in <paramref name="zone"/>), recipients (external marked), kinds, id.</summary>
    internal static void AppendFacts(MessageRecord m, StringBuilder ja, StringBuilder en, TimeZoneInfo zone)
    {
        ja.AppendLine($"件名: {NoticeFormat.ShownSubject(m.Subject, "（件名なし）")}");
        en.AppendLine($"Subject: {NoticeFormat.ShownSubject(m.Subject, "(no subject)")}");
        ja.AppendLine($"送信者: {NoticeFormat.Safe(m.EnvelopeFrom)}");
        en.AppendLine($"From: {NoticeFormat.Safe(m.EnvelopeFrom)}");
        ja.AppendLine($"送信日時: {NoticeFormat.Date(m.ReceivedAt, zone)}");
        en.AppendLine($"Sent: {NoticeFormat.Date(m.ReceivedAt, zone)}");
        ja.AppendLine("宛先:");
        en.AppendLine("Recipients:");
        foreach (var r in m.Recipients)
        {
            ja.AppendLine($"  {NoticeFormat.Safe(r.Address)}{(r.External ? "（社外）" : "")}");
            en.AppendLine($"  {NoticeFormat.Safe(r.Address)}{(r.External ? " (external)" : "")}");
        }

        if (m.AttachmentKinds is { Length: > 0 } kinds)
        {
            ja.AppendLine($"添付ファイルの種類: {NoticeFormat.Safe(kinds.Trim(','))}");
            en.AppendLine($"Attachment kinds: {NoticeFormat.Safe(kinds.Trim(','))}");
        }

        ja.AppendLine($"ID: {m.Id}").AppendLine();
        en.AppendLine($"ID: {m.Id}").AppendLine();
    }

    private static string Who(MessageRecord m) => NoticeFormat.Safe(m.DecidedBy ?? "?");
}
