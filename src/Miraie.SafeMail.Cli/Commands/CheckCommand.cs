using System.CommandLine;
using System.Globalization;
using Miraie.SafeMail.Cli.Output;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary><c>safemail check MESSAGE.eml</c>: the inspection tree and the verdict; the exit code says pass, quarantine or reject.</summary>
internal static class CheckCommand
{
    public static Command Create(Option<string?> settings)
    {
        var message = new Argument<string>("MESSAGE") { Description = "検査するメール (.eml) / the message to check (.eml)" };
        var from = new Option<string?>("--from") { Description = "エンベロープ送信者（既定は From ヘッダー） / envelope sender (default: From header)" };
        var to = new Option<string[]>("--to")
        {
            Description = "エンベロープ宛先、カンマ区切り（既定は To/Cc/Bcc） / envelope recipients, comma-separated (default: To/Cc/Bcc)",
            AllowMultipleArgumentsPerToken = false,
        };
        var policy = new Option<string?>("--policy") { Description = "ポリシーを含む設定ファイル (JSON) / settings file with the policy (JSON)" };
        var json = new Option<bool>("--json") { Description = "JSON で出力 / print JSON" };

        var command = new Command("check", "メールを検査して判定を表示 / inspect a message and show the verdict") { message, from, to, policy, json };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(message), parse.GetValue(from), parse.GetValue(to) ?? [], parse.GetValue(policy) ?? parse.GetValue(settings), parse.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, string? from, string[] to, string? policyFile, bool json, CancellationToken cancellationToken)
    {
        var settings = SettingsLoader.Load(policyFile);
        var policy = settings.Policy();
        var signer = settings.Confirmation();

        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new CliException(ExitCodes.NoInput, new LocalizedText($"メールファイルを開けません: {path}", $"cannot open the message file: {path}"));
        }

        InspectionReport report;
        await using (stream)
        {
            report = await new MessageInspector(policy.Limits).InspectAsync(stream, cancellationToken);
        }

        if (report.Problems.Any(p => p.Code == "unreadable"))
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText($"メールとして読み取れません: {path}", $"not a mail message: {path}"));
        }

        var recipients = to.SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        var envelope = new Envelope(from ?? (report.HeaderFrom.Count > 0 ? report.HeaderFrom[0] : ""), recipients.Count > 0 ? recipients : report.HeaderRecipients);
        if (envelope.Recipients.Count == 0)
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText("宛先がありません。--to で指定してください", "the message has no recipients: give them with --to"));
        }

        var attachmentHashes = report.Attachments.Select(a => a.Sha256).OfType<string>();
        var confirmation = signer.Verify(report.ConfirmationStamp, envelope.Sender, envelope.Recipients, attachmentHashes);
        var verdict = new PolicyEvaluator(policy).Evaluate(report, envelope, confirmation);

        if (json)
        {
            Console.WriteLine(ReportJson.Serialize(report, envelope, verdict));
        }
        else
        {
            new ReportPrinter(Console.Out, CultureInfo.CurrentUICulture).Print(report, envelope, verdict, settings.NoInternalDomains);
        }

        return verdict.Action switch
        {
            PolicyAction.Pass => ExitCodes.Pass,
            PolicyAction.Quarantine => ExitCodes.Quarantine,
            _ => ExitCodes.Reject,
        };
    }
}
