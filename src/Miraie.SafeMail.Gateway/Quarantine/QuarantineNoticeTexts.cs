using System.Globalization;
using System.Text;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Notices;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>The words of the notice to a sender whose message was quarantined (隔離のお知らせ), Japanese first.</summary>
internal static class QuarantineNoticeTexts
{
    /// <summary>Between the Japanese and the English text.</summary>
    public const string Separator = "------------------------------------------------------------";

    /// <summary>The subject's prefix in each language.</summary>
    public static LocalizedText SubjectPrefix { get; } = new("【隔離のお知らせ】", "[Quarantined]");

    /// <summary>Shown for a message without a subject.</summary>
    public static LocalizedText NoSubject { get; } = new("（件名なし）", "(no subject)");

    /// <summary>
    /// Finding codes for which encrypting the attachments with the add-in is the fix. For an executable, a disguised
    /// name or a broken message, telling people to wrap it in a password ZIP would teach them to hide it from the
    /// inspection; they are pointed to the operator (or to removing the file) instead.
    /// </summary>
    private static readonly HashSet<string> EncryptionFixes = new(StringComparer.Ordinal) { "not-encrypted", "unknown" };

    /// <summary>The notice's body: the Japanese text, a separator, the English text.</summary>
    public static string Body(QuarantinedMessage message, string? operatorContact, TimeSpan retention, TimeZoneInfo zone)
    {
        var decisive = message.Verdict.Findings.Where(f => f.Decisive).ToList();
        var reasons = decisive.Count > 0
            ? decisive.Select(f => f.Line).ToList()
            : [new LocalizedText($"送信ルール（{message.Verdict.Rule}）に該当しました", $"the message matched the sending rule \"{message.Verdict.Rule}\"")];
        var encryptionHelps = decisive.Count > 0 && decisive.All(f => EncryptionFixes.Contains(f.Code));
        var external = new HashSet<string>(message.Verdict.ExternalRecipients, StringComparer.OrdinalIgnoreCase);
        var id = NoticeFormat.Safe(message.QuarantineId);
        var contact = string.IsNullOrWhiteSpace(operatorContact) ? null : NoticeFormat.Safe(operatorContact.Trim());

        var ja = new StringBuilder();
        ja.AppendLine(SubjectPrefix.Ja).AppendLine();
        ja.AppendLine("お送りいただいた次のメールは、社内の送信ルールにより隔離しました。");
        ja.AppendLine("宛先にはまだ配送されていません。").AppendLine();
        ja.AppendLine($"件名: {NoticeFormat.ShownSubject(message.Subject, NoSubject.Ja)}");
        ja.AppendLine($"送信日時: {NoticeFormat.Date(message.SentAt, zone)}");
        ja.AppendLine("宛先:");
        foreach (var recipient in message.Envelope.Recipients)
        {
            ja.AppendLine($"  {NoticeFormat.Safe(recipient)}{(external.Contains(recipient) ? "（社外）" : "")}");
        }

        ja.AppendLine($"隔離ID: {id}").AppendLine();
        ja.AppendLine("■ 隔離の理由");
        foreach (var reason in reasons)
        {
            ja.AppendLine($"・{NoticeFormat.Safe(reason.Ja)}");
        }

        ja.AppendLine().AppendLine("■ 対処方法");
        if (encryptionHelps)
        {
            ja.AppendLine("・添付ファイルを暗号化して送り直す場合:");
            ja.AppendLine("  Outlook の「添付ファイルを暗号化」ボタンで添付ファイルをパスワード付きZIPにしてから、もう一度送信してください。");
        }
        else
        {
            ja.AppendLine("・添付ファイルが不要な場合:");
            ja.AppendLine("  添付ファイルを外してから、もう一度送信してください。");
        }

        ja.AppendLine("・このまま配送する必要がある場合:");
        ja.AppendLine(contact is null
            ? $"  運用担当者に隔離ID「{id}」をお知らせのうえ、解放をご依頼ください。"
            : $"  運用担当者（{contact}）に隔離ID「{id}」をお知らせのうえ、解放をご依頼ください。");
        ja.AppendLine();
        ja.AppendLine($"隔離したメールは{Period(retention, japanese: true)}に自動的に削除されます。");
        ja.AppendLine("本メールは送信専用のアドレスから自動送信されています。ご返信いただいてもお答えできませんので、ご了承ください。");

        var en = new StringBuilder();
        en.AppendLine($"{SubjectPrefix.En} Your message has been held").AppendLine();
        en.AppendLine("The following message you sent has been quarantined under your organisation's sending rules.");
        en.AppendLine("It has not been delivered to anyone yet.").AppendLine();
        en.AppendLine($"Subject: {NoticeFormat.ShownSubject(message.Subject, NoSubject.En)}");
        en.AppendLine($"Sent: {NoticeFormat.Date(message.SentAt, zone)}");
        en.AppendLine("Recipients:");
        foreach (var recipient in message.Envelope.Recipients)
        {
            en.AppendLine($"  {NoticeFormat.Safe(recipient)}{(external.Contains(recipient) ? " (external)" : "")}");
        }

        en.AppendLine($"Quarantine ID: {id}").AppendLine();
        en.AppendLine("Why it was quarantined");
        foreach (var reason in reasons)
        {
            en.AppendLine($"- {NoticeFormat.Safe(reason.En)}");
        }

        en.AppendLine().AppendLine("What to do");
        if (encryptionHelps)
        {
            en.AppendLine("- To send it with encrypted attachments:");
            en.AppendLine("  in Outlook, use \"添付ファイルを暗号化\" (Encrypt attachments) to put the attachments into a password-protected ZIP, then send the message again.");
        }
        else
        {
            en.AppendLine("- If the attachment is not needed:");
            en.AppendLine("  remove it and send the message again.");
        }

        en.AppendLine("- If it must be delivered as it is:");
        en.AppendLine(contact is null
            ? $"  ask your mail operator to release it, quoting quarantine ID {id}."
            : $"  ask the operator ({contact}) to release it, quoting quarantine ID {id}.");
        en.AppendLine();
        en.AppendLine($"Quarantined mail is deleted automatically {Period(retention, japanese: false)}.");
        en.AppendLine("This message was sent automatically from a send-only address; replies are not read.");

        return $"{ja}\n{Separator}\n\n{en}";
    }

    /// <summary>The subject: <c>【隔離のお知らせ】見積書の送付／[Quarantined] 見積書の送付</c>, a long original subject shortened.</summary>
    public static string Subject(string? subject)
    {
        var ja = Shorten(NoticeFormat.ShownSubject(subject, NoSubject.Ja));
        var en = Shorten(NoticeFormat.ShownSubject(subject, NoSubject.En));
        return $"{SubjectPrefix.Ja}{ja}／{SubjectPrefix.En} {en}";
    }

    private static string Shorten(string text)
    {
        const int Max = 40;
        if (text.Length <= Max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[Max - 1]) ? Max - 1 : Max;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static string Period(TimeSpan retention, bool japanese)
    {
        if (retention.TotalDays >= 1 && retention.Ticks % TimeSpan.TicksPerDay == 0)
        {
            var days = (long)retention.TotalDays;
            return japanese
                ? string.Create(CultureInfo.InvariantCulture, $"{days}日後")
                : string.Create(CultureInfo.InvariantCulture, $"after {days} {(days == 1 ? "day" : "days")}");
        }

        var hours = Math.Max(1, (long)Math.Ceiling(retention.TotalHours));
        return japanese
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}時間後")
            : string.Create(CultureInfo.InvariantCulture, $"after {hours} {(hours == 1 ? "hour" : "hours")}");
    }
}
