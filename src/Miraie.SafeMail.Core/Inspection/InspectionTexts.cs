using System.Globalization;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Every sentence the inspector says about a node, in Japanese and English.</summary>
public static class InspectionTexts
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Plain content anyone can read.</summary>
    public static LocalizedText NotEncrypted { get; } = new("暗号化されていません", "not encrypted");

    /// <summary>An archive whose every file is encrypted.</summary>
    public static LocalizedText AllEntriesEncrypted(int count, string method) => count == 1
        ? new($"ファイル1件が暗号化されています（{method}）", $"its one file is encrypted ({method})")
        : new(
            string.Create(Invariant, $"{count}件のファイルすべてが暗号化されています（{method}）"),
            string.Create(Invariant, $"all {count} files are encrypted ({method})"));

    /// <summary>An archive with some plain files.</summary>
    public static LocalizedText SomeEntriesPlain(int plain, int total) => new(
        string.Create(Invariant, $"{total}件中{plain}件のファイルが暗号化されていません"),
        string.Create(Invariant, $"{plain} of {total} files are not encrypted"));

    /// <summary>One encrypted archive entry.</summary>
    public static LocalizedText EntryEncrypted(string method) => new($"暗号化されています（{method}）", $"encrypted ({method})");

    /// <summary>An archive that hides its file list too.</summary>
    public static LocalizedText HeadersEncrypted(string format) =>
        new($"ファイル名を含めて暗号化されています（{format}）", $"encrypted, file names included ({format})");

    /// <summary>A transparent container whose contents are all protected.</summary>
    public static LocalizedText ContainerProtected { get; } = new("中のファイルはすべて暗号化されています", "everything inside is encrypted");

    /// <summary>A transparent container holding readable files.</summary>
    public static LocalizedText ContainerNotProtected { get; } = new("暗号化されていないファイルを含みます", "contains files that are not encrypted");

    /// <summary>A transparent container holding something unidentified.</summary>
    public static LocalizedText ContainerUnknown { get; } = new("種類を判別できないファイルを含みます", "contains files that cannot be identified");

    /// <summary>An archive with no files at all: nothing in it can be read.</summary>
    public static LocalizedText EmptyArchive { get; } = new("ファイルを含まない空のアーカイブです（読み取れる内容はありません）", "an empty archive: nothing in it can be read");

    /// <summary>A zero-byte file: nothing to read, whatever its name.</summary>
    public static LocalizedText EmptyFile { get; } = new("空のファイルです（読み取れる内容はありません）", "an empty file: nothing to read");

    /// <summary>A PDF that asks for a password to open.</summary>
    public static LocalizedText PdfUserPassword(string algorithm) =>
        new($"開くときにパスワードが必要です（{algorithm}）", $"a password is needed to open it ({algorithm})");

    /// <summary>A PDF with permissions restrictions only.</summary>
    public static LocalizedText PdfOwnerOnly { get; } = new(
        "権限パスワードのみが設定されており、パスワードなしで開けます",
        "has only a permissions (owner) password and opens without a password");

    /// <summary>An attached message (or TNEF) with no attachments: only a body, which counts as body.</summary>
    public static LocalizedText AttachedMessageBody { get; } = new(
        "添付ファイルを含みません（本文のみ。本文は検査の対象外です）", "holds no attachments, only a message body (bodies are not attachments)");

    /// <summary>A readable document carrying files inside it (embedded objects, attachments of a PDF).</summary>
    public static LocalizedText DocumentWithItems(int count) => new(
        string.Create(Invariant, $"暗号化されていません（中に{count}件のファイルを含みます）"),
        string.Create(Invariant, $"not encrypted (carries {count} file{(count == 1 ? "" : "s")} inside)"));

    /// <summary>An encrypted Office document.</summary>
    public static LocalizedText OfficeEncrypted(string what) =>
        new($"パスワードで暗号化された Office 文書です（{what}）", $"an Office document encrypted with a password ({what})");

    /// <summary>An OpenDocument file saved with a password.</summary>
    public static LocalizedText OdfEncrypted(string method) =>
        new($"パスワードで暗号化された ODF 文書です（{method}）", $"an OpenDocument file encrypted with a password ({method})");

    /// <summary>An OpenDocument package with some parts in the clear.</summary>
    public static LocalizedText OdfPartsNotEncrypted(int plain, int total, string example) => new(
        string.Create(Invariant, $"ODF 文書の{total}個の部分のうち{plain}個が暗号化されていません（{example} など）"),
        string.Create(Invariant, $"{plain} of the {total} parts of the OpenDocument file are not encrypted ({example} …)"));

    /// <summary>An OpenDocument package whose manifest claims encryption a part does not have.</summary>
    public static LocalizedText OdfEncryptionClaimed(string part) => new(
        $"暗号化されていると記載された部分（{part}）が暗号化されていないため、中身を確認できません",
        $"the part {part} is declared encrypted but is not, so the file cannot be checked");

    /// <summary>An Outlook item attachment that is only a link to a file stored elsewhere.</summary>
    public static LocalizedText AttachmentByReference { get; } = new(
        "別の場所にあるファイルへのリンクです（ファイル本体は添付されていません）", "a link to a file stored elsewhere (the file itself is not attached)");

    /// <summary>Something that runs.</summary>
    public static LocalizedText ExecutableFile(string format) => new($"実行ファイルです（{format}）", $"an executable file ({format})");

    /// <summary>An S/MIME (CMS) envelope: only the recipients' private keys open it.</summary>
    public static LocalizedText SmimeEncrypted(string algorithm, int recipients) => new(
        string.Create(Invariant, $"S/MIME で暗号化されています（{algorithm}、宛先の鍵 {recipients}件）"),
        string.Create(Invariant, $"encrypted with S/MIME ({algorithm}, {recipients} recipient key{(recipients == 1 ? "" : "s")})"));

    /// <summary>OpenPGP encrypted data: session keys for recipients' keys and/or passwords, then the encrypted packet.</summary>
    public static LocalizedText OpenPgpEncrypted(int publicKeys, int passwords)
    {
        var ja = new List<string>();
        var en = new List<string>();
        if (publicKeys > 0)
        {
            ja.Add(string.Create(Invariant, $"宛先の公開鍵 {publicKeys}件"));
            en.Add(string.Create(Invariant, $"{publicKeys} public key{(publicKeys == 1 ? "" : "s")}"));
        }

        if (passwords > 0)
        {
            ja.Add("パスワード");
            en.Add("a password");
        }

        return new($"OpenPGP で暗号化されています（{string.Join("・", ja)}）", $"encrypted with OpenPGP ({string.Join(", ", en)})");
    }

    /// <summary>A signature on its own: it carries no document, so nothing can be read from it.</summary>
    public static LocalizedText SignatureOnly { get; } = new("電子署名のみで、文書の内容を含みません（読み取れる内容はありません）", "a signature only, without the document: nothing to read");

    /// <summary>OpenPGP data anyone can read (signed or compressed, not encrypted).</summary>
    public static LocalizedText OpenPgpNotEncrypted { get; } = new(
        "OpenPGP 形式ですが暗号化されていません（署名・圧縮のみ）", "OpenPGP data that is not encrypted (signed or compressed only)");

    /// <summary>Body items (PRODUCT.md, "Attachment"), by why they are body.</summary>
    public static LocalizedText Excluded(ExclusionReason reason) => reason switch
    {
        ExclusionReason.InlineImage => new("本文中のインライン画像（HTML から cid: で参照）", "inline image referenced from the HTML body (cid:)"),
        ExclusionReason.Calendar => new("会議出席依頼の予定データ", "meeting request calendar data"),
        ExclusionReason.Signature => new("電子署名", "signature"),
        ExclusionReason.EncryptionControl => new("PGP/MIME の暗号化制御情報（Version: 1）", "PGP/MIME control information (Version: 1)"),
        ExclusionReason.Report => new("配送状況通知・開封確認などの機械可読な報告", "machine-readable report (delivery status, read receipt …)"),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>A detached S/MIME signature part (smime.p7s).</summary>
    public static LocalizedText SmimeSignature { get; } = new("S/MIME の電子署名（CMS SignedData、分離署名）", "S/MIME signature (CMS SignedData, detached)");

    /// <summary>The wrapper of an opaque-signed S/MIME part, whose content was inspected in its place.</summary>
    public static LocalizedText SmimeOpaqueSignature { get; } = new(
        "S/MIME 署名付きの本文（署名を外し、中身を本文・添付ファイルとして検査しました）",
        "S/MIME signed content (unwrapped: what it holds was inspected as body and attachments)");

    /// <summary>An OpenPGP signature part.</summary>
    public static LocalizedText OpenPgpSignature { get; } = new("OpenPGP の電子署名", "OpenPGP signature");

    /// <summary>A machine-readable report part, by its type.</summary>
    public static LocalizedText ReportPart(string mimeType) => mimeType.ToLowerInvariant() switch
    {
        "message/delivery-status" or "message/global-delivery-status" => new($"配送状況通知（{mimeType}）", $"delivery status ({mimeType})"),
        "message/disposition-notification" or "message/global-disposition-notification" => new($"開封確認（{mimeType}）", $"read receipt ({mimeType})"),
        "message/feedback-report" => new($"迷惑メール等の報告（{mimeType}）", $"feedback report ({mimeType})"),
        _ => new($"元のメールのヘッダー（{mimeType}）", $"headers of the original message ({mimeType})"),
    };

    /// <summary>Why a node is unknown, with the limit's value where there is one.</summary>
    public static LocalizedText Unknown(UnknownReason reason, InspectionLimits limits, string? detail = null)
    {
        var suffixJa = detail is null ? "" : $"（{detail}）";
        var suffixEn = detail is null ? "" : $" ({detail})";
        return reason switch
        {
            UnknownReason.Unrecognised => new("種類を判別できません", "the content cannot be identified"),
            UnknownReason.Corrupt => new("ファイルが壊れているか途中で切れているため、中身を確認できません" + suffixJa,
                "the file is corrupt or truncated and cannot be checked" + suffixEn),
            UnknownReason.Unsupported => new("対応していない形式のため中身を確認できません" + suffixJa,
                "a format that cannot be checked" + suffixEn),
            UnknownReason.LimitDepth => new(
                string.Create(Invariant, $"入れ子が深すぎるため確認できません（上限 {limits.MaxDepth} 階層）"),
                string.Create(Invariant, $"nested too deeply to check (limit {limits.MaxDepth} levels)")),
            UnknownReason.LimitEntries => new(
                string.Create(Invariant, $"ファイル数が多すぎるため確認できません（上限 {limits.MaxEntries:N0}件）") + suffixJa,
                string.Create(Invariant, $"too many files to check (limit {limits.MaxEntries:N0})") + suffixEn),
            UnknownReason.LimitSize => new(
                $"展開後のサイズが上限（{FormatBytes(limits.MaxExpandedBytes)}）を超えるため確認できません",
                $"expands beyond the size limit ({FormatBytes(limits.MaxExpandedBytes)})"),
            UnknownReason.LimitRatio => new(
                string.Create(Invariant, $"圧縮率が異常です（元の {limits.MaxExpansionRatio}倍を超えて展開されます）。圧縮爆弾の可能性があります"),
                string.Create(Invariant, $"expands to more than {limits.MaxExpansionRatio}× its size: possibly a compression bomb")),
            UnknownReason.LimitTime => new(
                string.Create(Invariant, $"検査が時間内に終わりませんでした（上限 {limits.Timeout.TotalSeconds:0.#}秒）"),
                string.Create(Invariant, $"inspection did not finish in time (limit {limits.Timeout.TotalSeconds:0.#} s)")),
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
        };
    }

    /// <summary>A message-level problem: the MIME structure is incomplete.</summary>
    public static LocalizedText MimeIncomplete { get; } = new(
        "メールの構造が壊れているか途中で切れています（終端の区切りがありません）",
        "the message structure is broken or truncated (a closing MIME boundary is missing)");

    /// <summary>The inspector itself failed (a defect): the message is treated as unknown content.</summary>
    public static LocalizedText InspectionFailed(string what) =>
        new($"検査中にエラーが発生したため中身を確認できません（{what}）", $"inspection failed with an error, so the content could not be checked ({what})");

    /// <summary>The input is not an RFC 5322 message at all.</summary>
    public static LocalizedText NotAMessage { get; } = new("メールとして読み取れません", "the input cannot be read as a mail message");

    /// <summary>A message-level problem: a part's transfer encoding is damaged.</summary>
    public static LocalizedText TransferEncodingBroken(string encoding) => new(
        $"添付ファイルのエンコード（{encoding}）が壊れています", $"the attachment's {encoding} encoding is damaged");

    /// <summary>The name people see for a kind.</summary>
    public static LocalizedText KindName(FileKind kind) => kind switch
    {
        FileKind.Pdf => new("PDF", "PDF"),
        FileKind.Ooxml => new("Office 文書", "Office document"),
        FileKind.Cfb => new("OLE 複合文書", "OLE compound file"),
        FileKind.Zip => new("ZIP", "ZIP"),
        FileKind.SevenZip => new("7z", "7z"),
        FileKind.Rar => new("RAR", "RAR"),
        FileKind.Gzip => new("gzip", "gzip"),
        FileKind.Tar => new("tar", "tar"),
        FileKind.Image => new("画像", "image"),
        FileKind.Text => new("テキスト", "text"),
        FileKind.Executable => new("実行ファイル", "executable"),
        FileKind.Tnef => new("TNEF (winmail.dat)", "TNEF (winmail.dat)"),
        FileKind.Message => new("メール", "message"),
        FileKind.Lzh => new("LZH", "LZH"),
        FileKind.Cab => new("CAB", "CAB"),
        FileKind.Iso => new("ISO イメージ", "ISO image"),
        FileKind.Odf => new("ODF 文書", "OpenDocument file"),
        FileKind.Smime => new("S/MIME（CMS）", "S/MIME (CMS)"),
        FileKind.OpenPgp => new("OpenPGP", "OpenPGP"),
        _ => new("不明", "unknown"),
    };

    /// <summary>Sizes as people read them: 1.5 MB, 200 MB.</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(Invariant, $"{bytes} B"),
        < 1024 * 1024 => string.Create(Invariant, $"{bytes / 1024.0:0.#} KB"),
        < 1024L * 1024 * 1024 => string.Create(Invariant, $"{bytes / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(Invariant, $"{bytes / (1024.0 * 1024 * 1024):0.#} GB"),
    };
}
