using System.CommandLine;
using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail held list | cancel ID | send-now ID</c> and <c>safemail approvals list | approve ID | reject ID --reason TEXT</c>:
/// held mail (送信保留) and approvals (上長承認) from the server's shell. The command runs as the service user, so it acts as
/// an admin (on everyone's mail), named in the audit log as <c>cli:USER</c>.
/// </summary>
internal static class WaitingCommand
{
    public static Command CreateHeld(Option<string?> settings)
    {
        var (limit, json, id, by) = Options();
        var list = new Command("list", "送信保留中のメールの一覧 / list held mail") { limit, json };
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), MessageState.Held, p.GetValue(limit), p.GetValue(json), ct));
        var cancel = new Command("cancel", "送信を取り消す（送信されません） / cancel: the message is never sent") { id, by };
        cancel.SetAction((p, ct) => DecideAsync(p.GetValue(settings), DecisionTexts.Cancel, p.GetRequiredValue(id), Actor(p.GetValue(by)), null, ct));
        var now = new Command("send-now", "保留を解除してすぐに送信 / end the hold and send now") { id, by };
        now.SetAction((p, ct) => DecideAsync(p.GetValue(settings), DecisionTexts.SendNow, p.GetRequiredValue(id), Actor(p.GetValue(by)), null, ct));
        return new Command("held", "送信保留中のメール / held mail (送信保留)") { list, cancel, now };
    }

    public static Command CreateApprovals(Option<string?> settings)
    {
        var (limit, json, id, by) = Options();
        var reason = new Option<string?>("--reason") { Description = "理由（却下では必須。送信者に伝えます） / why (required to reject; the sender is told)" };
        var list = new Command("list", "承認待ちのメールの一覧 / list mail awaiting approval") { limit, json };
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), MessageState.AwaitingApproval, p.GetValue(limit), p.GetValue(json), ct));
        var approve = new Command("approve", "承認して送信 / approve: the message is sent") { id, by, reason };
        approve.SetAction((p, ct) => DecideAsync(p.GetValue(settings), DecisionTexts.Approve, p.GetRequiredValue(id), Actor(p.GetValue(by)), p.GetValue(reason), ct));
        var reject = new Command("reject", "却下（送信されません） / reject: the message is never sent") { id, by, reason };
        reject.SetAction((p, ct) => DecideAsync(p.GetValue(settings), DecisionTexts.Reject, p.GetRequiredValue(id), Actor(p.GetValue(by)), p.GetValue(reason), ct));
        return new Command("approvals", "承認待ちのメール / mail awaiting approval (上長承認)") { list, approve, reject };
    }

    private static (Option<int> Limit, Option<bool> Json, Argument<string> Id, Option<string?> By) Options() => (
        new Option<int>("--limit") { Description = "表示件数 / how many", DefaultValueFactory = _ => 50 },
        new Option<bool>("--json") { Description = "JSON で出力 / print JSON" },
        new Argument<string>("ID") { Description = "キューID / queue id" },
        new Option<string?>("--by") { Description = "操作者名（監査ログ用、既定はログインユーザー） / who is acting (audit log; default: the login user)" });

    private static WaitingActor Actor(string? by) =>
        new("cli:" + (string.IsNullOrWhiteSpace(by) ? Environment.UserName : by.Trim()), null, IsOperator: true, IsAdmin: true);

    private static async Task<int> ListAsync(string? settings, string state, int limit, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var actor = Actor(null);
        var messages = state == MessageState.Held
            ? await store.Held.ListAsync(actor, limit, cancellationToken)
            : await store.Approvals.ListAsync(actor, limit, cancellationToken);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(messages.Select(m => new
            {
                m.Id,
                m.ReceivedAt,
                m.State,
                m.Rule,
                m.EnvelopeFrom,
                m.Subject,
                Recipients = m.Recipients.Select(r => new { r.Address, r.External }),
                LeavesAt = state == MessageState.Held ? m.NextAttemptAt : null,
                DecideBy = state == MessageState.AwaitingApproval ? m.ExpiresAt : null,
                m.Approvers,
                m.Size,
            }), ReportJson.Options));
            return 0;
        }

        Console.WriteLine(state == MessageState.Held
            ? T($"送信保留中 {messages.Count}件", $"{messages.Count} held")
            : T($"承認待ち {messages.Count}件", $"{messages.Count} awaiting approval"));
        foreach (var m in messages)
        {
            var when = state == MessageState.Held
                ? T($"送信予定 {Format(store, m.NextAttemptAt)}", $"leaves {Format(store, m.NextAttemptAt)}")
                : T($"承認期限 {Format(store, m.ExpiresAt)}　承認者 {Approvers(m)}", $"decide by {Format(store, m.ExpiresAt)}, approvers {Approvers(m)}");
            Console.WriteLine($"{m.Id}  {store.Display.Format(m.ReceivedAt)}  {Safe(m.EnvelopeFrom)} → " +
                $"{Safe(string.Join(", ", m.Recipients.Select(r => r.Address + (r.External ? T("（社外）", " (external)") : ""))))}  「{Safe(m.Subject ?? "")}」  " +
                $"{when}  {InspectionTexts.FormatBytes(m.Size)}");
        }

        return 0;
    }

    private static async Task<int> DecideAsync(string? settings, string action, string id, WaitingActor actor, string? reason, CancellationToken cancellationToken)
    {
        if (reason is { Length: > 0 } && reason.Trim().Length > DecisionTexts.MaxReasonLength)
        {
            throw new CliException(ExitCodes.Usage, new LocalizedText($"--reason は{DecisionTexts.MaxReasonLength}文字以内にしてください",
                $"--reason must be at most {DecisionTexts.MaxReasonLength} characters"));
        }

        if (action == DecisionTexts.Reject && string.IsNullOrWhiteSpace(reason))
        {
            throw new CliException(ExitCodes.Usage, new LocalizedText("却下には --reason \"理由\" が必要です（送信者に伝えます）",
                "rejecting needs --reason \"why\" (the sender is told)"));
        }

        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var result = action switch
        {
            DecisionTexts.Cancel => await store.Held.CancelAsync(actor, id, cancellationToken),
            DecisionTexts.SendNow => await store.Held.SendNowAsync(actor, id, cancellationToken),
            DecisionTexts.Approve => await store.Approvals.ApproveAsync(actor, id, reason, cancellationToken),
            _ => await store.Approvals.RejectAsync(actor, id, reason, cancellationToken),
        };
        var text = result.Text(action);
        if (result.Done)
        {
            Console.WriteLine($"{Safe(id)}: {text}");
            return 0;
        }

        throw new CliException(result.Outcome == DecisionOutcome.NotFound ? ExitCodes.NoInput : ExitCodes.DataError,
            new LocalizedText($"{Safe(id)}: {text.Ja}", $"{Safe(id)}: {text.En}"));
    }

    private static string Format(GatewayStore store, DateTimeOffset? at) => at is { } time ? store.Display.Format(time) : "-";

    private static string Approvers(MessageRecord m) => m.Approvers.Count == 0 ? T("（管理者）", "(admins)") : Safe(string.Join(", ", m.Approvers));

    private static string T(string ja, string en) => new LocalizedText(ja, en).ToString();

    private static string Safe(string text) => Output.TerminalText.Safe(text);
}
