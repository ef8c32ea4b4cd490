using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>What a release outcome means, in Japanese and English: for the console, the command line and the audit log.</summary>
public static class ReleaseTexts
{
    /// <summary>The outcome in words.</summary>
    public static LocalizedText Outcome(ReleaseOutcome outcome) => outcome switch
    {
        ReleaseOutcome.Released => new("解放しました", "released"),
        ReleaseOutcome.NotFound => new("メールが見つかりません", "no such message"),
        ReleaseOutcome.AlreadyReleased => new("既に解放されています", "already released"),
        ReleaseOutcome.Deleted => new("削除済みです", "deleted"),
        ReleaseOutcome.NotQuarantined => new("隔離されていません", "not quarantined"),
        ReleaseOutcome.AdminRequired => new("偽装ファイル・実行ファイルを含むため、管理者だけが解放できます", "disguised or executable content: only an admin may release it"),
        ReleaseOutcome.ReasonRequired => new("偽装ファイル・実行ファイルを含むため、解放の理由が必要です", "disguised or executable content: a reason is required"),
        ReleaseOutcome.SelectionRefused => new("選択したメールに管理者の判断が必要なものがあるため、まとめて解放しませんでした",
            "not released: the selection includes mail that needs an admin's decision"),
        _ => new(outcome.ToString(), outcome.ToString()),
    };

    /// <summary>The outcome as one audit-log line in both languages, with the risky attachments when they were the reason.</summary>
    public static string AuditLine(ReleaseResult result)
    {
        var text = Outcome(result.Outcome);
        var line = $"{text.Ja} / {text.En}";
        return result.Outcome is ReleaseOutcome.AdminRequired or ReleaseOutcome.ReasonRequired ? $"{line}: {string.Join(", ", result.RiskyPaths)}" : line;
    }

    /// <summary>The audit detail of a release: the reason, and the disguised or executable attachments it lets out.</summary>
    public static string? ReleaseDetail(string? reason, IReadOnlyList<string> riskyPaths)
    {
        var parts = new List<string>();
        if (reason is not null)
        {
            parts.Add($"理由 / reason: {reason}");
        }

        if (riskyPaths.Count > 0)
        {
            parts.Add($"偽装ファイル・実行ファイル / disguised or executable: {string.Join(", ", riskyPaths)}");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
