using System.Globalization;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Cli.Output;

/// <summary>Writes a report and its verdict for a person, in one language, as an indented tree.</summary>
internal sealed class ReportPrinter(TextWriter output, CultureInfo culture)
{
    public void Print(InspectionReport report, Envelope envelope, Verdict verdict, bool noInternalDomains)
    {
        var external = verdict.ExternalRecipients.ToHashSet(StringComparer.OrdinalIgnoreCase);
        Line(T("判定", "Verdict"), $"{L(verdict.ActionName)} ({T("ルール", "rule")}: {verdict.Rule})");
        if (report.Subject is not null)
        {
            Line(T("件名", "Subject"), Safe(report.Subject));
        }

        Line(T("送信者", "Sender"), envelope.Sender.Length == 0 ? "<>" : Safe(envelope.Sender));
        foreach (var recipient in envelope.Recipients)
        {
            Line(T("宛先", "Recipient"), $"{Safe(recipient)} ({(external.Contains(recipient) ? T("社外", "external") : T("社内", "internal"))})");
        }

        if (noInternalDomains)
        {
            output.WriteLine("  " + T("※ 社内ドメインが設定されていないため、すべての宛先を社外として扱いました（--policy で指定）",
                "note: no internal domains are configured, so every recipient counts as external (see --policy)"));
        }

        Line(T("確認スタンプ", "Confirmation"), L(ConfirmationTexts.Describe(verdict.Confirmation)));
        output.WriteLine();

        output.WriteLine(report.Attachments.Count == 0 ? T("添付ファイル: なし", "Attachments: none") : T("添付ファイル:", "Attachments:"));
        foreach (var attachment in report.Attachments)
        {
            PrintNode(attachment, depth: 1);
        }

        if (report.Excluded.Count > 0)
        {
            output.WriteLine(T("本文として扱った部分:", "Treated as body:"));
            foreach (var part in report.Excluded)
            {
                // Inside an attached message or winmail.dat, the part is named by its path: 会場の地図.eml › image001.png
                var name = part.Within is null ? part.Name ?? "-" : part.Within + AttachmentNode.PathSeparator + (part.Name ?? "-");
                output.WriteLine($"  {Safe(name)} ({Safe(part.ContentType)}): {L(part.Detail)}");
            }
        }

        if (verdict.Findings.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(T("理由:", "Reasons:"));
            foreach (var finding in verdict.Findings)
            {
                output.WriteLine($"  {(finding.Decisive ? "*" : "-")} {Safe(L(finding.Line))}");
            }
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{T("検査時間", "Inspected in")}: {report.Elapsed.TotalMilliseconds:0} ms"));
    }

    private void PrintNode(AttachmentNode node, int depth)
    {
        var indent = new string(' ', depth * 2);
        var encryptedEntry = node.Kind == FileKind.Unknown && node.Protection == ProtectionStatus.Protected;
        var facts = encryptedEntry ? InspectionTexts.FormatBytes(node.Size) : $"{L(InspectionTexts.KindName(node.Kind))}, {InspectionTexts.FormatBytes(node.Size)}";
        var status = node.Protection switch
        {
            ProtectionStatus.Protected => T("暗号化済み", "protected"),
            ProtectionStatus.NotProtected => T("暗号化されていません", "not protected"),
            _ => T("判別不能", "unknown"),
        };
        var disguise = node.Disguise == Disguises.None ? "" : $" {T("【偽装】", "[DISGUISED]")}";
        var detail = L(node.Detail) == status ? "" : $": {L(node.Detail)}";
        output.WriteLine($"{indent}{Safe(node.Name)} [{facts}] {status}{disguise}{detail}");
        foreach (var child in node.Children)
        {
            PrintNode(child, depth + 1);
        }
    }

    private void Line(string label, string value) => output.WriteLine($"{label}: {value}");

    private string T(string ja, string en) => LocalizedText.IsJapanese(culture) ? ja : en;

    private string L(LocalizedText text) => text.For(culture);

    private static string Safe(string text) => TerminalText.Safe(text);
}
