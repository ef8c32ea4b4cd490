using System.Globalization;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>The policy's sentences in Japanese and English.</summary>
public static class PolicyTexts
{
    /// <summary>通過 / 隔離 / 拒否.</summary>
    public static LocalizedText ActionName(PolicyAction action) => action switch
    {
        PolicyAction.Pass => new("通過", "pass"),
        PolicyAction.Quarantine => new("隔離", "quarantine"),
        PolicyAction.Reject => new("拒否", "reject"),
        PolicyAction.Hold => new("送信保留", "hold"),
        PolicyAction.Approve => new("上長承認", "approval"),
        PolicyAction.ConvertToBcc => new("BCC変換", "convert to Bcc"),
        PolicyAction.Encrypt => new("添付ファイルを暗号化", "encrypt attachments"),
        PolicyAction.Link => new("ダウンロードリンク", "download link"),
        PolicyAction.ByDomain => new("宛先ドメイン別の送り方", "by recipient domain"),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>An attachment readable without a password, with the inspector's detail when it says more (an owner-only PDF).</summary>
    public static LocalizedText NotEncrypted(FileKind kind, LocalizedText? detail = null)
    {
        var name = InspectionTexts.KindName(kind);
        var more = detail is null || detail == InspectionTexts.NotEncrypted;
        return new(
            $"暗号化されていません（{name.Ja}）" + (more ? "" : $"。{detail!.Ja}"),
            $"not encrypted ({name.En})" + (more ? "" : $"; {detail!.En}"));
    }

    /// <summary>A disguised name, saying how it lies.</summary>
    public static LocalizedText Disguised(Disguises how, FileKind kind)
    {
        var ja = new List<string>();
        var en = new List<string>();
        if (how.HasFlag(Disguises.ExtensionMismatch))
        {
            ja.Add($"拡張子と中身が一致しません（中身は{InspectionTexts.KindName(kind).Ja}）");
            en.Add($"the extension does not match the content ({InspectionTexts.KindName(kind).En})");
        }

        if (how.HasFlag(Disguises.DoubleExtension))
        {
            ja.Add("文書に見せかけた二重拡張子です");
            en.Add("a double extension that makes it look like a document");
        }

        if (how.HasFlag(Disguises.BidiControl))
        {
            ja.Add("ファイル名の表示を逆転させる制御文字を含みます");
            en.Add("the name contains characters that reverse how it is displayed");
        }

        return new($"偽装ファイル（拡張子偽装）です: {string.Join("、", ja)}", $"disguised file: {string.Join("; ", en)}");
    }

    /// <summary>Something that runs.</summary>
    public static LocalizedText Executable { get; } = new("実行ファイルです", "an executable file");

    /// <summary>The message is over the size limit.</summary>
    public static LocalizedText TooLarge(long size, long limit) => new(
        $"メールのサイズ（{InspectionTexts.FormatBytes(size)}）が上限（{InspectionTexts.FormatBytes(limit)}）を超えています",
        $"the message ({InspectionTexts.FormatBytes(size)}) is over the size limit ({InspectionTexts.FormatBytes(limit)})");

    /// <summary>BCC漏れ: external addresses in To/Cc that every recipient sees.</summary>
    public static LocalizedText VisibleRecipients(int addresses, int domains) => new(
        $"社外のメールアドレス{addresses}件（{domains}ドメイン）が To/Cc に入っており、受信者どうしで見えます（BCC漏れ）",
        $"{addresses} external addresses from {domains} domains are in To/Cc, visible to every recipient (should be Bcc)");

    /// <summary>A validation message naming the setting, in both languages on one line (for logs and the console).</summary>
    public static string Invalid(string key, string ja, string en) => string.Create(CultureInfo.InvariantCulture, $"{key}: {ja} / {en}");
}
