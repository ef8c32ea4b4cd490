using System.CommandLine;
using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Links;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail links list [--sender ADDRESS] | show ID | revoke ID</c>: download links from the server's shell (an operator
/// acting for a sender who sent to the wrong address, at 2 a.m.). Revoking is named in the audit log as <c>cli:USER</c>.
/// </summary>
internal static class LinksCommand
{
    public static Command Create(Option<string?> settings)
    {
        var limit = new Option<int>("--limit") { Description = "表示件数 / how many", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "JSON で出力 / print JSON" };
        var sender = new Option<string?>("--sender") { Description = "この送信者のリンクだけ / only this sender's links" };
        var id = new Argument<string>("ID") { Description = "リンクID（URL の最後の部分） / link id (the last part of its URL)" };
        var by = new Option<string?>("--by") { Description = "操作者名（監査ログ用、既定はログインユーザー） / who is acting (audit log; default: the login user)" };

        var list = new Command("list", "ダウンロードリンクの一覧（新しい順） / list download links, newest first") { limit, json, sender };
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), p.GetValue(sender), p.GetValue(limit), p.GetValue(json), ct));
        var show = new Command("show", "リンクの詳細 / one link in detail") { id, json };
        show.SetAction((p, ct) => ShowAsync(p.GetValue(settings), p.GetRequiredValue(id), p.GetValue(json), ct));
        var revoke = new Command("revoke", "リンクを取り消す（以後ダウンロードできません） / revoke: no more downloads") { id, by };
        revoke.SetAction((p, ct) => RevokeAsync(p.GetValue(settings), p.GetRequiredValue(id), p.GetValue(by), ct));
        return new Command("links", "ダウンロードリンク / download links (action Link)") { list, show, revoke };
    }

    private static async Task<int> ListAsync(string? settings, string? sender, int limit, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var links = await store.Links.ListAsync(sender, limit, cancellationToken);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(links.Select(l => Shape(l, store)), ReportJson.Options));
            return 0;
        }

        Console.WriteLine(T($"ダウンロードリンク {links.Count}件", $"{links.Count} download links"));
        foreach (var link in links)
        {
            Console.WriteLine($"{link.Id}  {store.Display.Format(link.CreatedAt)}  {Safe(link.Sender)}  {State(link, store)}  " +
                $"{InspectionTexts.FormatBytes(link.TotalBytes)}  {T("メール", "message")} {link.MessageId}");
        }

        return 0;
    }

    private static async Task<int> ShowAsync(string? settings, string id, bool json, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var link = await store.Links.GetAsync(id, cancellationToken) ?? throw NotFound(id);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(Shape(link, store), ReportJson.Options));
            return 0;
        }

        Console.WriteLine($"{link.Id}  {State(link, store)}");
        Console.WriteLine($"  URL: {store.Links.UrlOf(link.Id)}");
        Console.WriteLine($"  {T("送信者", "sender")}: {Safe(link.Sender)}  {T("メール", "message")}: {link.MessageId}");
        Console.WriteLine($"  {T("宛先", "recipients")}: {Safe(string.Join(", ", link.Recipients))}");
        foreach (var file in link.Files)
        {
            Console.WriteLine($"  {file.Ordinal}. {Safe(file.Name)}  {InspectionTexts.FormatBytes(file.Size)}  sha256:{file.Sha256}");
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(string? settings, string id, string? by, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        var actor = "cli:" + (string.IsNullOrWhiteSpace(by) ? Environment.UserName : by.Trim());
        if (await store.Links.RevokeAsync(id, actor, cancellationToken: cancellationToken))
        {
            Console.WriteLine($"{Safe(id)}: " + T("リンクを取り消しました。以後ダウンロードできません。", "revoked: no more downloads."));
            return 0;
        }

        var link = await store.Links.GetAsync(id, cancellationToken) ?? throw NotFound(id);
        throw new CliException(ExitCodes.DataError, new LocalizedText($"{Safe(id)}: すでに使えないリンクです（{State(link, store, ja: true)}）",
            $"{Safe(id)}: the link is no longer live ({State(link, store, ja: false)})"));
    }

    private static object Shape(LinkRecord l, GatewayStore store) => new
    {
        l.Id,
        Url = store.Links.UrlOf(l.Id),
        l.MessageId,
        l.Sender,
        l.CreatedAt,
        l.ExpiresAt,
        l.RevokedAt,
        l.RevokedBy,
        l.FirstDownloadAt,
        l.PurgedAt,
        l.TotalBytes,
        Files = l.Files.Select(f => new { f.Ordinal, f.Name, f.ContentType, f.Size, f.Sha256 }),
        l.Recipients,
    };

    private static string State(LinkRecord link, GatewayStore store, bool? ja = null)
    {
        var text = link.PurgedAt is not null ? new LocalizedText("ファイル削除済み", "files deleted")
            : link.RevokedAt is { } revoked ? new LocalizedText($"取り消し済み {store.Display.Format(revoked)}", $"revoked {store.Display.Format(revoked)}")
            : link.ExpiresAt <= DateTimeOffset.UtcNow ? new LocalizedText("期限切れ", "expired")
            : new LocalizedText($"有効 {store.Display.Format(link.ExpiresAt)} まで" + (link.FirstDownloadAt is null ? "・未ダウンロード" : "・ダウンロード済み"),
                $"live until {store.Display.Format(link.ExpiresAt)}" + (link.FirstDownloadAt is null ? ", not downloaded" : ", downloaded"));
        return ja switch { true => text.Ja, false => text.En, _ => text.ToString() };
    }

    private static CliException NotFound(string id) =>
        new(ExitCodes.NoInput, new LocalizedText($"{Safe(id)}: そのリンクはありません", $"{Safe(id)}: no such link"));

    private static string T(string ja, string en) => new LocalizedText(ja, en).ToString();

    private static string Safe(string text) => Output.TerminalText.Safe(text);
}
