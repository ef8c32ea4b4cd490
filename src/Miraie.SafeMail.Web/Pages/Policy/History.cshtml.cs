using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Policy;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Policy;

/// <summary>Who changed the policy, when, what changed (a line diff against the version before), and rollback.</summary>
[Authorize(Policy = ConsolePolicies.Admins)]
public sealed class HistoryModel(SafeMailDatabase database, PolicyVersionWatcher watcher, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>Each version with its diff from the one before (the first: from the settings file's policy).</summary>
    public IReadOnlyList<(PolicyVersion Version, DiffPaneModel Diff)> Versions { get; private set; } = [];

    /// <summary>The version in force.</summary>
    public long CurrentId { get; private set; }

    /// <summary>Show unchanged lines too.</summary>
    [BindProperty(SupportsGet = true)]
    public bool ShowAll { get; set; }

    /// <summary>Lists the versions.</summary>
    public async Task OnGetAsync()
    {
        await using var connection = await OpenAsync();
        var versions = await PolicyVersions.ListAsync(connection, HttpContext.RequestAborted);
        CurrentId = versions.Count > 0 ? versions[0].Id : 0;
        var list = new List<(PolicyVersion, DiffPaneModel)>();
        for (var i = 0; i < versions.Count; i++)
        {
            var before = i + 1 < versions.Count ? versions[i + 1].Json : "";
            list.Add((versions[i], InlineDiffBuilder.Diff(before, versions[i].Json)));
        }

        Versions = list;
    }

    /// <summary>Saves an earlier version again as the newest (history is never rewritten).</summary>
    public async Task<IActionResult> OnPostRollbackAsync(long id)
    {
        await using var connection = await OpenAsync();
        if (await PolicyVersions.GetAsync(connection, id, HttpContext.RequestAborted) is not { } version)
        {
            return NotFound();
        }

        try
        {
            PolicyJson.Parse(version.Json);
        }
        catch (SettingsException e)
        {
            TempData["Error"] = Lang.T("このバージョンは現在のソフトウェアでは読めません: ", "This version cannot be read by this software: ") + string.Join(" / ", e.Errors);
            return RedirectToPage();
        }

        var saved = await PolicyVersions.SaveAsync(connection, version.Json, Actor, $"rollback to {id}", time.GetUtcNow(), HttpContext.RequestAborted);
        await watcher.RefreshAsync(HttpContext.RequestAborted);
        TempData["Message"] = Lang.T($"バージョン {id} の内容をバージョン {saved} として適用しました。", $"Version {id} is in force again as version {saved}.");
        return RedirectToPage();
    }
}
