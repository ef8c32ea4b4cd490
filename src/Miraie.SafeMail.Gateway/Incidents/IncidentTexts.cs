using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// The words of misdelivery reports (GLOSSARY: 誤送信の報告). The tone follows the seed's rule — report at once, never solve it
/// alone — so a report is thanked, never questioned: nothing here asks why or says whose fault it was.
/// </summary>
public static class IncidentTexts
{
    /// <summary>The result of a report or change as one sentence.</summary>
    public static LocalizedText Outcome(IncidentOutcome outcome) => outcome switch
    {
        IncidentOutcome.Done => new("記録しました。", "Saved."),
        IncidentOutcome.NotFound => new("該当するメールまたは報告が見つかりません。", "No such message or report."),
        IncidentOutcome.NothingNamed => new("どのメールかわかるように、キューID、メッセージID、または件名を入力してください。",
            "Say which message it was: its queue id, Message-ID or subject."),
        IncidentOutcome.TooLong => new("入力が長すぎます。", "The text is too long."),
        IncidentOutcome.TextRequired => new("記録する内容を入力してください。", "Write what to record."),
        IncidentOutcome.Closed => new("この報告は対応完了です。これ以上は記録できません。", "This report is closed; nothing more can be recorded."),
        IncidentOutcome.Incomplete => new("完了にする前に、根本原因と是正処置を記録してください。", "Record the root cause and the corrective action before closing."),
        IncidentOutcome.NotAllowed => new("この操作の権限がありません。", "You may not do this."),
        _ => new(outcome.ToString(), outcome.ToString()),
    };

    /// <summary>A report was recorded: thanks, its number, and whether the security office was mailed.</summary>
    public static LocalizedText Reported(long id, bool notified) => new(
        $"ご報告ありがとうございます。誤送信の報告 #{id} として受け付けました。" + (notified ? "セキュリティ事務局に伝えました。" : NotNotified.Ja),
        $"Thank you for reporting. It is recorded as misdelivery report #{id}. " + (notified ? "The security office has been told." : NotNotified.En));

    /// <summary>The security office could not be mailed: the reporter should tell them another way.</summary>
    public static LocalizedText NotNotified { get; } = new("セキュリティ事務局へのメール通知ができませんでした。お手数ですが、電話などで直接ご連絡ください。",
        "The security office could not be told by mail: please contact them directly (by phone, for example).");

    /// <summary>A work log entry and a notice line: both languages in one text.</summary>
    public static string Both(LocalizedText text) => text.Ja + " / " + text.En;
}
