using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Quarantine;

/// <summary>
/// The confirmation step of every quarantine action, one message or many: GET lists what will happen, POST does it.
/// Release goes through the gateway's normal delivery (one conditional update: a second release does nothing).
/// </summary>
[Authorize(Policy = ConsolePolicies.Operators)]
public sealed class ConfirmModel(GatewayDatabase database, QuarantineService quarantine) : ConsolePageModel(database)
{
    private const int MaxBatch = 500;

    /// <summary>release, delete or notify.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Op { get; set; }

    /// <summary>The selected queue ids.</summary>
    [BindProperty(SupportsGet = true)]
    public List<string> Ids { get; set; } = [];

    /// <summary>The selected messages as stored.</summary>
    public IReadOnlyList<MessageRecord> Messages { get; private set; } = [];

    /// <summary>The action's name.</summary>
    public string OperationText => Op switch
    {
        "release" => Lang.T("解放", "Release"),
        "delete" => Lang.T("削除", "Delete"),
        _ => Lang.T("送信者に通知", "Notify the sender"),
    };

    /// <summary>What the action does, so the operator knows before confirming.</summary>
    public string Explanation => Op switch
    {
        "release" => Lang.T("解放したメールは、通常の配送経路で宛先へ一度だけ配送されます。", "Released mail is delivered once, through the normal delivery path."),
        "delete" => Lang.T("削除したメールの原本は消去され、元に戻せません（記録は残ります）。", "Deleting erases the original for good (the record stays)."),
        _ => Lang.T("送信者に、隔離の理由と対処方法（アドインの暗号化ボタン、またはオペレーターへの連絡）をお知らせします。",
            "The sender is told why the mail is held and what to do (the add-in's encrypt button, or ask the operator)."),
    };

    /// <summary>Lists what will happen.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        if (Op is not ("release" or "delete" or "notify"))
        {
            return BadRequest();
        }

        Messages = await LoadAsync();
        return Page();
    }

    /// <summary>Does it, message by message, and reports what happened.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (Op is not ("release" or "delete" or "notify"))
        {
            return BadRequest();
        }

        var done = 0;
        var skipped = 0;
        foreach (var id in Ids.Distinct().Take(MaxBatch).Where(QueueId.IsValid))
        {
            var ok = Op switch
            {
                "release" => await quarantine.ReleaseAsync(id, Actor, HttpContext.RequestAborted),
                "delete" => await quarantine.DeleteAsync(id, Actor, HttpContext.RequestAborted),
                _ => await quarantine.NotifySenderAsync(id, Actor, HttpContext.RequestAborted),
            };
            if (ok)
            {
                done++;
            }
            else
            {
                skipped++;
            }
        }

        TempData["Message"] = Lang.T($"{OperationText}: {done}件を処理しました" + (skipped > 0 ? $"（{skipped}件は隔離中でないため対象外）" : ""),
            $"{OperationText}: {done} done" + (skipped > 0 ? $" ({skipped} skipped: not quarantined)" : ""));
        return Ids.Count == 1 ? Redirect("/quarantine/" + Uri.EscapeDataString(Ids[0])) : Redirect("/quarantine");
    }

    private async Task<IReadOnlyList<MessageRecord>> LoadAsync()
    {
        var list = new List<MessageRecord>();
        foreach (var id in Ids.Distinct().Take(MaxBatch).Where(QueueId.IsValid))
        {
            if (await quarantine.ShowAsync(id, HttpContext.RequestAborted) is { } found)
            {
                list.Add(found.Message);
            }
        }

        return list;
    }
}
