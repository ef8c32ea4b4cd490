using System.CommandLine;
using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Incidents;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail incidents list | show ID | report ID --reason TEXT</c>: misdelivery reports (誤送信の報告, ADR-020) from the
/// server's shell. Reporting runs the same containment as the pane and the console (held mail cancelled, approval
/// declined) and queues the security office's notice. The command runs as the service user, so it acts as an operator on
/// anyone's mail, named in the audit log as <c>cli:USER</c>.
/// </summary>
internal static class IncidentsCommand
{
    public static Command Create(Option<string?> settings)
    {
        var json = new Option<bool>("--json") { Description = "JSON で出力 / print JSON" };
        var all = new Option<bool>("--all") { Description = "完了したものも表示 / closed ones too" };
        var limit = new Option<int>("--limit") { Description = "表示件数 / how many", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "誤送信の報告の一覧（既定は対応中のみ） / list reports (open ones by default)") { limit, all, json };
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), p.GetValue(all), p.GetValue(limit), p.GetValue(json), ct));

        var number = new Argument<long>("ID") { Description = "報告番号 / report number" };
        var show = new Command("show", "報告と作業記録を表示 / show a report with its work log") { number, json };
        show.SetAction((p, ct) => ShowAsync(p.GetValue(settings), p.GetValue(number), p.GetValue(json), ct));

        var id = new Argument<string>("ID") { Description = "キューID / queue id" };
        var reason = new Option<string?>("--reason") { Description = "何があったか（必須） / what happened (required)" };
        var wrong = new Option<string[]>("--wrong") { Description = "誤っていた宛先 / a wrong recipient (repeatable)", AllowMultipleArgumentsPerToken = true };
        var by = new Option<string?>("--by") { Description = "報告者名（監査ログ用、既定はログインユーザー） / who reports (audit log; default: the login user)" };
        var report = new Command("report", "誤送信を報告し、送信保留・承認待ちならすぐに止める / report a misdirected message and stop it if held or awaiting approval")
            { id, reason, wrong, by };
        report.SetAction((p, ct) => ReportAsync(p.GetValue(settings), p.GetRequiredValue(id), p.GetValue(reason), p.GetValue(wrong) ?? [], p.GetValue(by), ct));
        return new Command("incidents", "誤送信の報告 / misdelivery reports") { list, show, report };
    }

    private static async Task<int> ListAsync(string? settings, bool all, int limit, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var rows = await store.Incidents.ListAsync(all ? null : IncidentState.Open, Math.Clamp(limit, 1, 10_000), cancellationToken);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows, ReportJson.Options));
            return 0;
        }

        Console.WriteLine(T($"誤送信の報告 {rows.Count}件", $"{rows.Count} reports"));
        foreach (var i in rows)
        {
            Console.WriteLine($"#{i.Id}  {store.Display.Format(i.ReportedAt)}  {IncidentState.Text(i.State)}  {Safe(i.ReporterAddress ?? i.Reporter)}  " +
                $"{Safe(i.MessageId ?? i.MessageHint ?? "-")}  {Safe(string.Join(", ", i.WrongRecipients))}");
        }

        return 0;
    }

    private static async Task<int> ShowAsync(string? settings, long id, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        if (await store.Incidents.GetAsync(id, cancellationToken) is not var (incident, log))
        {
            throw new CliException(ExitCodes.NoInput, new LocalizedText($"#{id}: 該当する報告はありません", $"#{id}: no such report"));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { incident, log }, ReportJson.Options));
            return 0;
        }

        Console.WriteLine($"#{incident.Id}  {IncidentState.Text(incident.State)}");
        Console.WriteLine(T("報告者: ", "Reported by: ") + Safe(incident.ReporterAddress ?? incident.Reporter) + "  " + store.Display.Format(incident.ReportedAt));
        Console.WriteLine(T("メール: ", "Message: ") + Safe(incident.MessageId ?? incident.MessageHint ?? "-"));
        Console.WriteLine(T("誤っていた宛先: ", "Wrong recipients: ") + Safe(string.Join(", ", incident.WrongRecipients)));
        Console.WriteLine(T("根本原因: ", "Root cause: ") + Safe(incident.RootCause ?? "-"));
        Console.WriteLine(T("是正処置: ", "Corrective action: ") + Safe(incident.CorrectiveAction ?? "-"));
        Console.WriteLine(T("作業記録:", "Work log:"));
        foreach (var e in log)
        {
            Console.WriteLine($"  {store.Display.Format(e.At)}  {Safe(e.Author)}  {Safe(e.Text.ReplaceLineEndings(" "))}");
        }

        return 0;
    }

    private static async Task<int> ReportAsync(string? settings, string id, string? reason, string[] wrong, string? by, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CliException(ExitCodes.Usage, new LocalizedText("--reason \"何があったか\" を指定してください", "give --reason \"what happened\""));
        }

        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var actor = new WaitingActor("cli:" + (string.IsNullOrWhiteSpace(by) ? Environment.UserName : by.Trim()), null, IsOperator: true, IsAdmin: true);
        var result = await store.Incidents.ReportAsync(actor, new IncidentReport(id, WrongRecipients: wrong, Statement: reason), cancellationToken);
        if (!result.Done)
        {
            throw new CliException(result.Outcome == IncidentOutcome.NotFound ? ExitCodes.NoInput : ExitCodes.Usage,
                new LocalizedText($"{Safe(id)}: {result.Text.Ja}", $"{Safe(id)}: {result.Text.En}"));
        }

        Console.WriteLine(result.Text);
        foreach (var step in result.Steps)
        {
            Console.WriteLine("  " + step.Text);
        }

        return 0;
    }

    private static string T(string ja, string en) => new LocalizedText(ja, en).ToString();

    private static string Safe(string text) => Output.TerminalText.Safe(text);
}
