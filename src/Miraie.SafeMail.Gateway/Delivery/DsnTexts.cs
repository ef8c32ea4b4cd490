using System.Text;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Notices;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>The words of a delivery failure report (配送エラー通知), Japanese first, in the glossary's terms.</summary>
internal static class DsnTexts
{
    /// <summary>Between the Japanese and the English text.</summary>
    public const string Separator = "------------------------------------------------------------";

    /// <summary>The report's Subject, as <c>配送エラー通知 / Undelivered Mail Returned to Sender</c>.</summary>
    public static LocalizedText Subject { get; } = new("配送エラー通知", "Undelivered Mail Returned to Sender");

    private static LocalizedText NoSubject { get; } = new("（件名なし）", "(no subject)");

    /// <summary>What an RFC 3463 status means for the sender, in words a person can act on.</summary>
    public static LocalizedText Reason(string status)
    {
        var code = status.Split('.');
        return (code[0], code[1], code[2]) switch
        {
            (_, "1", "1") => new("宛先のメールアドレスが存在しません", "The recipient's address does not exist"),
            (_, "1", "2") => new("宛先のドメインが存在しないか、メールを受け付けていません", "The recipient's domain does not exist or does not accept mail"),
            (_, "1", _) => new("宛先のメールアドレスに誤りがあります", "The recipient's address is not valid"),
            (_, "2", "2") => new("宛先のメールボックスの容量が上限に達しています", "The recipient's mailbox is full"),
            (_, "2", _) => new("宛先のメールボックスが現在メールを受け取れない状態です", "The recipient's mailbox cannot accept mail at present"),
            (_, "3", "4") => new("メールのサイズが、配送先で受け付けられる上限を超えています", "The message is larger than the receiving system accepts"),
            (_, "4", "7") => new(
                "一時的なエラーが続いたため、再送の期限までに配送できませんでした",
                "Temporary errors went on until the time allowed for retries ran out"),
            (_, "4", _) => new("配送先のサーバーに接続できないか、配送経路に問題があります", "The receiving server could not be reached, or the route to it failed"),
            (_, "7", _) => new("配送先のセキュリティポリシーにより、受け取りを拒否されました", "The receiving system refused the message under its security policy"),
            ("4", _, _) => new("一時的なエラーが続いたため、配送できませんでした", "Temporary errors went on and delivery was given up"),
            _ => new("配送先のサーバーが受け取りを拒否しました", "The receiving server refused the message"),
        };
    }

    /// <summary>The human-readable first part of the report: the Japanese text, a separator, the English text.</summary>
    public static string Body(
        string? subject, IReadOnlyList<DsnRecipient> recipients, DateTimeOffset arrival, string queueId, string? operatorContact, TimeZoneInfo zone)
    {
        var ja = new StringBuilder();
        ja.AppendLine(Subject.Ja).AppendLine();
        ja.AppendLine($"件名「{NoticeFormat.ShownSubject(subject, NoSubject.Ja)}」のメールを次の宛先に配送できませんでした。").AppendLine();
        foreach (var recipient in recipients)
        {
            ja.AppendLine($"宛先: {NoticeFormat.Safe(recipient.Address)}");
            ja.AppendLine($"  理由: {Reason(recipient.Status).Ja}。");
            AppendIf(ja, "  配送先サーバー: ", recipient.RemoteMta);
            AppendIf(ja, "  配送先サーバーの応答: ", recipient.SmtpReply);
            AppendIf(ja, "  最終配送試行: ", recipient.LastAttemptDate is { } lastJa ? NoticeFormat.Date(lastJa, zone) : null);
            ja.AppendLine();
        }

        ja.AppendLine($"受付日時: {NoticeFormat.Date(arrival, zone)}");
        ja.AppendLine($"配送キューID: {NoticeFormat.Safe(queueId)}").AppendLine();
        ja.AppendLine("宛先のメールアドレスに誤りがないかをご確認のうえ、必要に応じて、時間をおいてもう一度送信してください。");
        ja.AppendLine(string.IsNullOrWhiteSpace(operatorContact)
            ? "ご不明な点がありましたら、メールシステムの運用担当者までお問い合わせください。"
            : $"ご不明な点がありましたら、運用担当者（{NoticeFormat.Safe(operatorContact.Trim())}）までお問い合わせください。");
        ja.AppendLine("この通知には元のメールのヘッダー情報のみを添付しています（本文と添付ファイルは含まれていません）。");
        ja.AppendLine("本メールは送信専用のアドレスから自動送信されています。ご返信いただいてもお答えできませんので、ご了承ください。");

        var en = new StringBuilder();
        en.AppendLine(Subject.En).AppendLine();
        en.AppendLine($"Your message with the subject \"{NoticeFormat.ShownSubject(subject, NoSubject.En)}\" could not be delivered to the following recipients.").AppendLine();
        foreach (var recipient in recipients)
        {
            en.AppendLine($"Recipient: {NoticeFormat.Safe(recipient.Address)}");
            en.AppendLine($"  Reason: {Reason(recipient.Status).En}.");
            AppendIf(en, "  Receiving server: ", recipient.RemoteMta);
            AppendIf(en, "  Server's reply: ", recipient.SmtpReply);
            AppendIf(en, "  Last attempt: ", recipient.LastAttemptDate is { } lastEn ? NoticeFormat.Date(lastEn, zone) : null);
            en.AppendLine();
        }

        en.AppendLine($"Received: {NoticeFormat.Date(arrival, zone)}");
        en.AppendLine($"Queue ID: {NoticeFormat.Safe(queueId)}").AppendLine();
        en.AppendLine("Please check that the addresses are correct and, if needed, send the message again later.");
        en.AppendLine(string.IsNullOrWhiteSpace(operatorContact)
            ? "If you have any questions, please contact your mail administrator."
            : $"If you have any questions, please contact the operator ({NoticeFormat.Safe(operatorContact.Trim())}).");
        en.AppendLine("Only the original message's headers are attached to this notice; its text and attachments are not included.");
        en.AppendLine("This message was sent automatically from a send-only address; replies are not read.");

        return $"{ja}\n{Separator}\n\n{en}";
    }

    private static void AppendIf(StringBuilder text, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            text.Append(label).AppendLine(NoticeFormat.Safe(value.Trim()));
        }
    }
}
