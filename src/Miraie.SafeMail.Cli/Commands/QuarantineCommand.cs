using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Audit;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Storage;

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
        var release = new Command("release", "解放して配送 / release for delivery") { id, by };
        release.SetAction((p, ct) => ReleaseAsync(p.GetValue(settings), p.GetRequiredValue(id), Actor(p.GetValue(by)), ct));
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
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(messages.Select(Summary), ReportJson.Options));
            return 0;
        }

        Console.WriteLine(T($"隔離 {messages.Count}件", $"{messages.Count} quarantined"));
        foreach (var m in messages)
        {
            Console.WriteLine($"{m.Id}  {Local(m.ReceivedAt)}  {Safe(m.EnvelopeFrom)} → {Safe(string.Join(", ", m.Recipients.Select(r => r.Address)))}  " +
                $"「{Safe(m.Subject ?? "")}」  {m.Rule}  {InspectionTexts.FormatBytes(m.Size)}");
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
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { message = Summary(m), inspection = JsonDocument.Parse(m.InspectionJson ?? "{}").RootElement, history },
                ReportJson.Options));
            return 0;
        }

        Console.WriteLine($"{T("キューID", "Queue id")}: {m.Id}");
        Console.WriteLine($"{T("状態", "State")}: {MessageState.Text(m.State)}  ({T("判定", "verdict")}: {VerdictText(m.Verdict)}, {T("ルール", "rule")}: {m.Rule})");
        Console.WriteLine($"{T("受信", "Received")}: {Local(m.ReceivedAt)}  {T("クライアント", "client")} {m.ClientAddress} ({Safe(m.ClientHelo ?? "")})");
        Console.WriteLine($"{T("件名", "Subject")}: {Safe(m.Subject ?? "")}");
        Console.WriteLine($"{T("送信者", "Sender")}: {Safe(m.EnvelopeFrom)}");
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

        Console.WriteLine(T("履歴:", "History:"));
        foreach (var entry in history)
        {
            Console.WriteLine($"  {Local(entry.At)}  {Safe(entry.Actor)}  {AuditActions.Text(entry.Action)}  {Safe(entry.Detail ?? "")}");
        }

        return 0;
    }

    private static string VerdictText(string verdict) =>
        Enum.TryParse<PolicyAction>(verdict, ignoreCase: true, out var action) ? PolicyTexts.ActionName(action).ToString() : verdict;

    private static async Task<int> ReleaseAsync(string? settings, string id, string actor, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        if (QueueId.IsValid(id) && await store.Quarantine.ReleaseAsync(id, actor, cancellationToken))
        {
            Console.WriteLine(T($"解放しました: {id}（配送キューに入りました。ゲートウェイが配送します）",
                $"released {id}: queued; the gateway delivers it"));
            return 0;
        }

        throw new CliException(ExitCodes.DataError, new LocalizedText($"解放できません: {id} は隔離中ではありません（既に解放・削除済みか、存在しません）",
            $"cannot release {id}: it is not quarantined (already released or deleted, or no such message)"));
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

    private static object Summary(MessageRecord m) => new
    {
        m.Id,
        m.ReceivedAt,
        m.State,
        m.Verdict,
        m.Rule,
        m.EnvelopeFrom,
        Recipients = m.Recipients.Select(r => new { r.Address, r.External, r.State }),
        m.Subject,
        m.Size,
        m.ReleasedAt,
        m.ReleasedBy,
    };

    private static string T(string ja, string en) => new LocalizedText(ja, en).ToString();

    private static string Local(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);

    private static string Safe(string text) => Output.TerminalText.Safe(text);
}
