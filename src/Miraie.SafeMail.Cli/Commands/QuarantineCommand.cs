using System.CommandLine;
using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail quarantine list | show ID | release ID | delete ID</c>: the operator's tools until (and besides) the web
/// console, on the same store as the running gateway. Release goes through the normal delivery path, exactly once.
/// </summary>
internal static class QuarantineCommand
{
    public static Command Create(Option<string?> settings)
    {
        var limit = new Option<int>("--limit") { Description = "表示件数 / how many", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "JSON で出力 / print JSON" };
        var list = new Command("list", "隔離メールの一覧 / list quarantined mail") { limit, json };
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), p.GetValue(limit), p.GetValue(json), ct));

        var id = new Argument<string>("ID") { Description = "キューID / queue id" };
        var show = new Command("show", "隔離メールの詳細 / show one quarantined message") { id, json };
        show.SetAction((p, ct) => ShowAsync(p.GetValue(settings), p.GetRequiredValue(id), p.GetValue(json), ct));

        var by = new Option<string?>("--by") { Description = "操作者名（監査ログ用、既定はログインユーザー） / who is acting (audit log; default: the login user)" };
        var reason = new Option<string?>("--reason")
        {
            Description = "解放の理由（監査ログに記録。偽装ファイル・実行ファイルを含むメールでは必須） / why (kept in the audit log; required for disguised or executable content)",
        };
        var release = new Command("release", "解放して配送 / release for delivery") { id, by, reason };
        release.SetAction((p, ct) => ReleaseAsync(p.GetValue(settings), p.GetRequiredValue(id), Actor(p.GetValue(by)), p.GetValue(reason), ct));
        var delete = new Command("delete", "削除 / delete") { id, by };
        delete.SetAction((p, ct) => DeleteAsync(p.GetValue(settings), p.GetRequiredValue(id), Actor(p.GetValue(by)), ct));

        var notify = new Command("notify", "送信者に通知 / tell the sender why and what to do") { id, by };
        notify.SetAction((p, ct) => NotifyAsync(p.GetValue(settings), p.GetRequiredValue(id), Actor(p.GetValue(by)), ct));

        return new Command("quarantine", "隔離メールの確認と操作 / review and act on the quarantine") { list, show, release, delete, notify };
    }

    private static string Actor(string? by) => "cli:" + (string.IsNullOrWhiteSpace(by) ? Environment.UserName : by.Trim());

    private static async Task<int> ListAsync(string? settings, int limit, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var messages = await store.Quarantine.ListAsync(Math.Clamp(limit, 1, 10_000), cancellationToken);
        var rules = await store.RulesAsync(cancellationToken);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(messages.Select(m => Summary(m, rules)), ReportJson.Options));
            return 0;
        }

        Console.WriteLine(T($"隔離 {messages.Count}件", $"{messages.Count} quarantined"));
        foreach (var m in messages)
        {
            Console.WriteLine($"{m.Id}  {store.Display.Format(m.ReceivedAt)}  {Sender(m)} → {Safe(string.Join(", ", m.Recipients.Select(r => r.Address)))}  " +
                $"「{Safe(m.Subject ?? "")}」  {RuleTexts.Describe(m.Rule, rules)} [{m.Rule}]  {InspectionTexts.FormatBytes(m.Size)}");
        }

        return 0;
    }

    private static async Task<int> ShowAsync(string? settings, string id, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var found = QueueId.IsValid(id) ? await store.Quarantine.ShowAsync(id, cancellationToken) : null;
        if (found is not { } shown)
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText($"メールが見つかりません: {id}", $"no such message: {id}"));
        }

        var (m, history) = shown;
        var rules = await store.RulesAsync(cancellationToken);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { message = Summary(m, rules), inspection = JsonDocument.Parse(m.InspectionJson ?? "{}").RootElement, history },
                ReportJson.Options));
            return 0;
        }

        var display = store.Display;
        Console.WriteLine($"{T("キューID", "Queue id")}: {m.Id}");
        Console.WriteLine($"{T("状態", "State")}: {MessageState.Text(m.State)}  ({T("判定", "verdict")}: {VerdictText(m.Verdict)}, " +
            $"{T("ルール", "rule")}: {RuleTexts.Describe(m.Rule, rules)} [{m.Rule}])");
        Console.WriteLine($"{T("受信", "Received")}: {display.Format(m.ReceivedAt)}  {T("クライアント", "client")} {m.ClientAddress} ({Safe(m.ClientHelo ?? "")})");
        Console.WriteLine($"{T("件名", "Subject")}: {Safe(m.Subject ?? "")}");
        Console.WriteLine($"{T("送信者", "Sender")}: {Safe(m.EnvelopeFrom)}");
        if (m.HeaderFrom is not null)
        {
            Console.WriteLine($"{T("差出人（From）", "From")}: {Mailbox(m.HeaderFromName, m.HeaderFrom)}");
        }

        foreach (var r in m.Recipients)
        {
            Console.WriteLine($"{T("宛先", "Recipient")}: {Safe(r.Address)} ({(r.External ? T("社外", "external") : T("社内", "internal"))})");
        }

        Console.WriteLine($"{T("サイズ", "Size")}: {InspectionTexts.FormatBytes(m.Size)}");
        Console.WriteLine(T("理由:", "Reasons:"));
        foreach (var finding in JsonSerializer.Deserialize<List<Finding>>(m.FindingsJson, ReportJson.Options) ?? [])
        {
            Console.WriteLine($"  {(finding.Decisive ? "*" : "-")} {Safe(finding.Line.ToString())}");
        }

        if (m.State == MessageState.Quarantined && ReleaseReview.RiskyPaths(m) is { Count: > 0 } risky)
        {
            Console.WriteLine(T($"解放には理由が必要です（--reason）: 偽装ファイル・実行ファイルを含みます（{Safe(string.Join(", ", risky))}）",
                $"Releasing needs a reason (--reason): disguised or executable content ({Safe(string.Join(", ", risky))})"));
        }

        Console.WriteLine(T("履歴:", "History:"));
        foreach (var entry in history)
        {
            Console.WriteLine($"  {display.Format(entry.At)}  {Safe(entry.Actor)}  {AuditActions.Text(entry.Action)}  {Safe(entry.Detail ?? "")}");
        }

        return 0;
    }

    private static string VerdictText(string verdict) =>
        Enum.TryParse<PolicyAction>(verdict, ignoreCase: true, out var action) ? PolicyTexts.ActionName(action).ToString() : verdict;

    /// <summary>
    /// The command runs as the service user on the server, which can read and change the store anyway: it counts as an
    /// admin (may release disguised or executable content) but, like an admin in the console, must say why (<c>--reason</c>).
    /// </summary>
    private static async Task<int> ReleaseAsync(string? settings, string id, string actor, string? reason, CancellationToken cancellationToken)
    {
        if (reason is { Length: > 0 } && reason.Trim().Length > ReleaseRequest.MaxReasonLength)
        {
            throw new CliException(ExitCodes.Usage, new LocalizedText($"--reason は{ReleaseRequest.MaxReasonLength}文字以内にしてください",
                $"--reason must be at most {ReleaseRequest.MaxReasonLength} characters"));
        }

        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var result = await store.Quarantine.ReleaseAsync(id, new ReleaseRequest(actor, MayReleaseRisky: true, reason), cancellationToken);
        var why = ReleaseTexts.Outcome(result.Outcome);
        var risky = Safe(string.Join(", ", result.RiskyPaths));
        switch (result.Outcome)
        {
            case ReleaseOutcome.Released:
                Console.WriteLine(T($"解放しました: {id}（配送キューに入りました。ゲートウェイが配送します）", $"released {id}: queued; the gateway delivers it"));
                return 0;
            case ReleaseOutcome.ReasonRequired or ReleaseOutcome.AdminRequired:
                throw new CliException(ExitCodes.NoPermission, new LocalizedText(
                    $"解放できません: {id} は偽装ファイル・実行ファイルを含みます（{risky}）。解放する場合は --reason \"理由\" を付けてください（監査ログに記録されます）",
                    $"cannot release {id}: disguised or executable content ({risky}); to release it anyway, give --reason \"why\" (kept in the audit log)"));
            default:
                throw new CliException(ExitCodes.DataError, new LocalizedText($"解放できません: {id}（{why.Ja}）", $"cannot release {Safe(id)}: {why.En}"));
        }
    }

    private static async Task<int> DeleteAsync(string? settings, string id, string actor, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        if (QueueId.IsValid(id) && await store.Quarantine.DeleteAsync(id, actor, cancellationToken))
        {
            Console.WriteLine(T($"削除しました: {id}", $"deleted {id}"));
            return 0;
        }

        throw new CliException(ExitCodes.DataError, new LocalizedText($"削除できません: {id} は隔離中ではありません", $"cannot delete {id}: it is not quarantined"));
    }

    private static async Task<int> NotifyAsync(string? settings, string id, string actor, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        if (QueueId.IsValid(id) && await store.Quarantine.NotifySenderAsync(id, actor, cancellationToken))
        {
            Console.WriteLine(T($"送信者への通知を配送キューに入れました: {id}", $"queued the notice to the sender of {id}"));
            return 0;
        }

        throw new CliException(ExitCodes.DataError, new LocalizedText($"通知できません: {id}（存在しないか、送信者がありません）",
            $"cannot notify about {id}: no such message, or it has no sender"));
    }

    private static object Summary(MessageRecord m, IReadOnlyList<PolicyRule> rules) => new
    {
        m.Id,
        m.ReceivedAt,
        m.State,
        m.Verdict,
        m.Rule,
        RuleText = RuleTexts.Describe(m.Rule, rules),
        m.EnvelopeFrom,
        m.HeaderFrom,
        m.HeaderFromName,
        Recipients = m.Recipients.Select(r => new { r.Address, r.External, r.State }),
        m.Subject,
        m.Size,
        m.ReleasedAt,
        m.ReleasedBy,
    };

    private static string T(string ja, string en) => new LocalizedText(ja, en).ToString();

    /// <summary>The envelope sender, with the From header's display name beside it when it has one.</summary>
    private static string Sender(MessageRecord m) =>
        m.HeaderFromName is { Length: > 0 } name ? $"{Safe(name)} <{Safe(m.EnvelopeFrom)}>" : Safe(m.EnvelopeFrom);

    private static string Mailbox(string? name, string address) => name is { Length: > 0 } ? $"{Safe(name)} <{Safe(address)}>" : Safe(address);

    private static string Safe(string text) => Output.TerminalText.Safe(text);
}
