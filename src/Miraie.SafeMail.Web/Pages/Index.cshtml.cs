using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Dashboard;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>
/// The dashboard: verdicts per day for 7 or 30 days, top reasons and senders, the queue. Where everyone lands after signing
/// in: a sender (ADR-017) is sent on to their held mail, the dashboard being for console staff only.
/// </summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class IndexModel(SafeMailDatabase database, TimeProvider time, DisplayTime display, PolicyProvider policy, PolicyVersionWatcher versions)
    : ConsolePageModel(database)
{
    /// <summary>7 or 30.</summary>
    public int Days { get; private set; }

    /// <summary>The rules in force, for the reasons' descriptions.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>The figures.</summary>
    public DashboardStats Stats { get; private set; } = null!;

    /// <summary>Domains that refuse encrypted archives and could receive files as a link (admins act on them).</summary>
    public IReadOnlyList<LinkSuggestion> Suggestions { get; private set; } = [];

    /// <summary>Live download links and the bytes their files take.</summary>
    public (long Links, long Bytes) LinkStorage { get; private set; }

    /// <summary>Every gateway node that has reported.</summary>
    public IReadOnlyList<NodeRow> Nodes { get; private set; } = [];

    /// <summary>Loads the figures.</summary>
    public async Task<IActionResult> OnGetAsync(int days = 7)
    {
        if (!User.IsInRole(ConsoleRoles.Sender) || ConsoleRoles.All.Any(User.IsInRole))
        {
            await LoadAsync(days);
            return Page();
        }

        return LocalRedirect("/held");
    }

    private async Task LoadAsync(int days)
    {
        Days = days == 30 ? 30 : 7;
        await using var connection = await OpenAsync();
        Stats = await DashboardStats.LoadAsync(connection, Days, time.GetUtcNow(), display, HttpContext.RequestAborted);
        Nodes = await NodeRow.LoadAsync(connection, time.GetUtcNow(), HttpContext.RequestAborted);
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
        Suggestions = await LinkSuggestion.LoadAsync(connection, policy.Current, time.GetUtcNow(), HttpContext.RequestAborted);
        LinkStorage = await Storage.Links.LinkTable.StorageAsync(connection, HttpContext.RequestAborted);
    }

    /// <summary>
    /// Applies a suggestion (admins): the domain receives files as a download link from the next message, as a new policy
    /// version whose comment carries the evidence (audited as a policy change).
    /// </summary>
    public async Task<IActionResult> OnPostUseLinkAsync(string domain)
    {
        if (!User.IsInRole(ConsoleRoles.Admin))
        {
            return Forbid();
        }

        await versions.RefreshAsync(HttpContext.RequestAborted);
        await using var connection = await OpenAsync();
        var evidence = (await LinkSuggestion.LoadAsync(connection, policy.Current, time.GetUtcNow(), HttpContext.RequestAborted))
            .FirstOrDefault(s => string.Equals(s.Domain, (domain ?? "").Trim(), StringComparison.OrdinalIgnoreCase));
        if (evidence is null)
        {
            TempData["Message"] = Localization.Lang.T("その提案はもうありません（設定済みか、証拠が古くなりました）。", "That suggestion is gone (already set, or the evidence is old).");
            return RedirectToPage();
        }

        var edited = PolicyJson.Parse(PolicyJson.Serialize(policy.Current.Options));
        edited.FileDelivery.Domains.RemoveAll(d => string.Equals(d.Domain.Trim(), evidence.Domain, StringComparison.OrdinalIgnoreCase));
        edited.FileDelivery.Domains.Insert(0, new DomainFileDelivery { Domain = evidence.Domain, Mode = FileDeliveryMode.Link });
        var id = await Storage.Policy.PolicyVersions.SaveAsync(connection, PolicyJson.Serialize(edited), Actor,
            $"{evidence.Domain}: ダウンロードリンクに切り替え / switched to download links (拒否 {evidence.Refusals} 件 / {evidence.Refusals} refusals; " +
            $"{evidence.LastMessageId}: {evidence.LastResponse})", time.GetUtcNow(), HttpContext.RequestAborted);
        await versions.RefreshAsync(HttpContext.RequestAborted);
        TempData["Message"] = Localization.Lang.T($"{evidence.Domain} はダウンロードリンクで受け取る設定にしました（ポリシー バージョン {id}）。",
            $"{evidence.Domain} now receives files as download links (policy version {id}).");
        return RedirectToPage();
    }
}
