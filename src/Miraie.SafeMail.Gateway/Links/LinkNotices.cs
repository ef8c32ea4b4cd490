using System.Text;
using MimeKit;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage.Links;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// The mails about download links, Japanese then English as one UTF-8 text part like every notice: to the sender when
/// the link is made (with how to revoke it) and at its first download; to a recipient, the one-time code.
/// </summary>
public sealed class LinkNotices(GatewayOptions gateway, QuarantineOptions quarantine, Waiting.WaitingOptions waiting, TimeProvider time, TimeZoneInfo? displayZone = null)
{
    private readonly MailboxAddress _from = NoticeFormat.FromAddress(waiting.NoticeFrom ?? quarantine.NoticeFrom, "postmaster", NoticeFormat.ServerName(gateway), "Miraie SafeMail");
    private readonly TimeZoneInfo _zone = displayZone ?? NoticeFormat.DefaultZone;
    private readonly string? _consoleUrl = string.IsNullOrWhiteSpace(waiting.ConsoleUrl) ? null : waiting.ConsoleUrl.Trim().TrimEnd('/');

    /// <summary>To the sender: the attachments went as a link; until when; how to revoke it.</summary>
    public MimeMessage? Created(LinkRecord link, string? subject, string url) => Compose(link.Sender, new("【ダウンロードリンクで送信】", "[Sent as a download link]"), subject,
        ja =>
        {
            ja.AppendLine($"次のメールの添付ファイルは、メールから外してダウンロードリンクにしました。{Date(link.ExpiresAt)} まで有効です。");
            ja.AppendLine("宛先の方は、メールを受け取ったアドレスに届く確認コードを入力してからダウンロードします。最初にダウンロードされたときにお知らせします。");
            ja.AppendLine(Revoke(link, ja: true));
        },
        en =>
        {
            en.AppendLine($"The attachments of the message below were taken out of it and sent as a download link, which works until {Date(link.ExpiresAt)}.");
            en.AppendLine("Recipients download them after entering a code sent to the address that received the mail. You are told of the first download.");
            en.AppendLine(Revoke(link, ja: false));
        }, link, url);

    /// <summary>To the sender: a recipient downloaded for the first time.</summary>
    public MimeMessage? FirstDownload(LinkRecord link, string? subject, string address, string file) =>
        Compose(link.Sender, new("【ダウンロードされました】", "[Downloaded]"), subject,
            ja => ja.AppendLine($"{NoticeFormat.Safe(address)} が「{NoticeFormat.Safe(file)}」をダウンロードしました（{Date(time.GetUtcNow())}）。以後のダウンロードは監査ログに記録します。"),
            en => en.AppendLine($"{NoticeFormat.Safe(address)} downloaded \"{NoticeFormat.Safe(file)}\" ({Date(time.GetUtcNow())}). Later downloads are in the audit log."),
            link, null);

    /// <summary>To a recipient: the one-time code for the download page.</summary>
    public MimeMessage? Code(string address, string code, TimeSpan lifetime)
    {
        var minutes = (int)Math.Ceiling(lifetime.TotalMinutes);
        var ja = $"ダウンロードページの確認コードは {code} です。{minutes}分以内に入力してください。\r\n心当たりのない場合は、このメールを破棄してください。\r\n";
        var en = $"Your confirmation code for the download page is {code}. Enter it within {minutes} minutes.\r\nIf you did not ask for it, delete this mail.\r\n";
        return Message(address, $"【確認コード】[Confirmation code] {code}", ja, en);
    }

    private MimeMessage? Compose(string to, LocalizedText prefix, string? subject, Action<StringBuilder> ja, Action<StringBuilder> en, LinkRecord link, string? url)
    {
        var j = new StringBuilder();
        var e = new StringBuilder();
        ja(j);
        en(e);
        j.AppendLine().AppendLine($"件名: {NoticeFormat.ShownSubject(subject, "（件名なし）")}");
        e.AppendLine().AppendLine($"Subject: {NoticeFormat.ShownSubject(subject, "(no subject)")}");
        if (url is not null)
        {
            j.AppendLine($"リンク: {url}");
            e.AppendLine($"Link: {url}");
        }

        j.AppendLine("ファイル:");
        e.AppendLine("Files:");
        foreach (var file in link.Files)
        {
            j.AppendLine($"  {NoticeFormat.Safe(file.Name)} ({NoticeSize.Of(file.Size)})");
            e.AppendLine($"  {NoticeFormat.Safe(file.Name)} ({NoticeSize.Of(file.Size)})");
        }

        j.AppendLine("宛先:");
        e.AppendLine("Recipients:");
        foreach (var recipient in link.Recipients)
        {
            j.AppendLine($"  {NoticeFormat.Safe(recipient)}");
            e.AppendLine($"  {NoticeFormat.Safe(recipient)}");
        }

        j.AppendLine($"ID: {link.MessageId}").AppendLine();
        e.AppendLine($"ID: {link.MessageId}").AppendLine();
        return Message(to, $"{prefix.Ja}{prefix.En} {NoticeFormat.ShownSubject(subject, "（件名なし）")}", j.ToString(), e.ToString());
    }

    private MimeMessage? Message(string to, string subject, string ja, string en)
    {
        if (NoticeFormat.IsNullSender(to))
        {
            return null;
        }

        var notice = new MimeMessage();
        NoticeFormat.Address(notice, _from, NoticeFormat.Recipient(to, nameof(to)), subject, TimeZoneInfo.ConvertTime(time.GetUtcNow(), _zone), "auto-generated");
        notice.Body = NoticeFormat.PlainText(ja + QuarantineNoticeTexts.Separator + "\r\n\r\n" + en);
        return notice;
    }

    private string Revoke(LinkRecord link, bool ja) => (ja, _consoleUrl) switch
    {
        (true, null) => $"宛先を間違えた場合は、すぐに管理者に連絡してリンクを取り消してもらってください（safemail links revoke {link.Id}）。",
        (true, { } console) => $"宛先を間違えた場合は、すぐに次のページでリンクを取り消してください:\r\n  {console}/Links/{link.Id}",
        (false, null) => $"If a recipient is wrong, ask an administrator at once to revoke the link (safemail links revoke {link.Id}).",
        (false, { } console) => $"If a recipient is wrong, revoke the link at once on this page:\r\n  {console}/Links/{link.Id}",
    };

    private string Date(DateTimeOffset at) => NoticeFormat.Date(at, _zone);
}
