using System.Text;
using MimeKit;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// Writes the mail to the security office (セキュリティ事務局) about one misdelivery report: Japanese first, then English,
/// one UTF-8 text part, like the other notices. The facts only — who reported and when, what they said, the message's
/// sender, recipients (external marked 社外), subject and attachments (names and kinds from the stored inspection, never
/// the content), what SafeMail stopped or found already delivered — and the console link. Worded as a report received,
/// never as someone's fault (GLOSSARY). Pure: built from the records only.
/// </summary>
public sealed class IncidentNotices
{
    private readonly WaitingNotices _notices;

    /// <summary>Prepares notices from this gateway, with the From, console link and time zone of the waiting-mail notices.</summary>
    public IncidentNotices(WaitingNotices notices) => _notices = notices;

    /// <summary>The notice about <paramref name="incident"/> to <paramref name="to"/>.</summary>
    public MimeMessage Create(IncidentRecord incident, MessageRecord? message, IReadOnlyList<ContainmentResult> containment, string to)
    {
        var ja = new StringBuilder();
        var en = new StringBuilder();
        ja.AppendLine("次のメールについて、意図しない宛先に送られた（または送られた可能性がある）との報告がありました。");
        ja.AppendLine("早い報告は被害を小さくします。報告者への連絡は、事実の確認のためにお願いします。");
        en.AppendLine("Someone reported that the message below went (or may have gone) to an unintended recipient.");
        en.AppendLine("An early report keeps the harm small: contact the reporter to confirm the facts.");
        ja.AppendLine();
        en.AppendLine();
        ja.AppendLine($"報告番号: #{incident.Id}");
        en.AppendLine($"Report: #{incident.Id}");
        ja.AppendLine($"報告者: {NoticeFormat.Safe(incident.ReporterAddress ?? incident.Reporter)}");
        en.AppendLine($"Reported by: {NoticeFormat.Safe(incident.ReporterAddress ?? incident.Reporter)}");
        ja.AppendLine($"報告日時: {NoticeFormat.Date(incident.ReportedAt, _notices.Zone)}");
        en.AppendLine($"Reported at: {NoticeFormat.Date(incident.ReportedAt, _notices.Zone)}");
        if (incident.WrongRecipients.Count > 0)
        {
            ja.AppendLine($"誤っていた宛先（報告者による）: {NoticeFormat.Safe(string.Join(", ", incident.WrongRecipients))}");
            en.AppendLine($"Wrong recipients (as reported): {NoticeFormat.Safe(string.Join(", ", incident.WrongRecipients))}");
        }

        if (incident.Statement is { Length: > 0 } statement)
        {
            ja.AppendLine("報告者のコメント:");
            en.AppendLine("The reporter's words:");
            foreach (var line in statement.Split('\n'))
            {
                ja.AppendLine("  " + NoticeFormat.Safe(line.TrimEnd('\r')));
                en.AppendLine("  " + NoticeFormat.Safe(line.TrimEnd('\r')));
            }
        }

        ja.AppendLine();
        en.AppendLine();
        if (message is null)
        {
            ja.AppendLine("このメールは SafeMail の記録にありません（SafeMail を通っていないか、特定できませんでした）。送信の停止は行っていません。");
            en.AppendLine("SafeMail has no record of this message (it did not pass SafeMail, or could not be identified): nothing was stopped.");
            ja.AppendLine($"報告者が示したメール: {NoticeFormat.Safe(incident.MessageHint ?? "—")}");
            en.AppendLine($"The message as the reporter named it: {NoticeFormat.Safe(incident.MessageHint ?? "—")}");
        }
        else
        {
            ja.AppendLine("SafeMail が行ったこと:");
            en.AppendLine("What SafeMail did:");
            foreach (var step in containment)
            {
                ja.AppendLine("  ・" + step.Text.Ja);
                en.AppendLine("  - " + step.Text.En);
            }
        }

        var link = _notices.ConsoleUrl is null ? null : $"{_notices.ConsoleUrl}/incidents/{incident.Id}";
        ja.AppendLine(link is null
            ? "作業記録・根本原因・是正処置は、SafeMail の管理画面の「誤送信の報告」に記録してください。"
            : $"作業記録・根本原因・是正処置は、次のページに記録してください:\r\n  {link}");
        en.AppendLine(link is null
            ? "Record the work log, root cause and corrective action under \"Incidents\" in the SafeMail console."
            : $"Record the work log, root cause and corrective action on this page:\r\n  {link}");
        ja.AppendLine();
        en.AppendLine();
        if (message is not null)
        {
            AppendAttachments(message, ja, en);
            WaitingNotices.AppendFacts(message, ja, en, _notices.Zone);
        }

        return _notices.Compose(message?.Subject ?? incident.MessageHint, to, new("【誤送信の報告】", $"[Misdelivery report] #{incident.Id}"), ja.ToString(),
            en.ToString());
    }

    private static void AppendAttachments(MessageRecord message, StringBuilder ja, StringBuilder en)
    {
        IReadOnlyList<ReviewedAttachment> attachments;
        try
        {
            attachments = ReleaseReview.Attachments(message);
        }
        catch (System.Text.Json.JsonException)
        {
            attachments = [];
        }

        ja.AppendLine(attachments.Count == 0 ? "添付ファイル: なし" : "添付ファイル:");
        en.AppendLine(attachments.Count == 0 ? "Attachments: none" : "Attachments:");
        foreach (var a in attachments)
        {
            var indent = new string(' ', 2 + (2 * a.Depth));
            ja.AppendLine($"{indent}{NoticeFormat.Safe(a.Path)}（{a.Kind.Ja}）");
            en.AppendLine($"{indent}{NoticeFormat.Safe(a.Path)} ({a.Kind.En})");
        }
    }
}
