using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;
using Miraie.SafeMail.Web.Quarantine;

namespace Miraie.SafeMail.Web.Pages.Quarantine;

/// <summary>
/// The confirmation step of every quarantine action, one message or many: GET shows what will happen — per message the
/// envelope recipients (external ones marked), each attachment with its findings and the reasons — POST does it.
/// Release goes through the gateway's normal delivery (one conditional update: a second release does nothing).
/// Disguised or executable content is released only by an admin who types a reason (the audit log keeps it); the
/// service refuses anything else whatever the form says. A selection with such mail is refused as a whole for an
/// operator, naming the messages that need an admin, with a link to release the others.
/// </summary>
[Authorize(Policy = ConsolePolicies.Operators)]
public sealed class ConfirmModel(SafeMailDatabase database, QuarantineService quarantine, PolicyProvider policy, PolicyVersionWatcher versions)
    : ConsolePageModel(database)
{
    private const int MaxBatch = 500;

    /// <summary>release, delete or notify.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Op { get; set; }

    /// <summary>The selected queue ids.</summary>
    [BindProperty(SupportsGet = true)]
    public List<string> Ids { get; set; } = [];

    /// <summary>Why the mail is released (required for disguised or executable content; kept in the audit log).</summary>
    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The selected messages as stored, with what a release would let out.</summary>
    public IReadOnlyList<ReviewItem> Messages { get; private set; } = [];

    /// <summary>The rules in force, for the reasons' descriptions.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>Why the last POST did nothing, when it did nothing.</summary>
    public string? Error { get; private set; }

    /// <summary>True for an admin: may release disguised or executable content, with a reason.</summary>
    public bool IsAdmin => User.IsInRole(ConsoleRoles.Admin);

    /// <summary>Selected quarantined messages with disguised or executable content.</summary>
    public IReadOnlyList<ReviewItem> Risky => Messages.Where(m => m.Message.State == MessageState.Quarantined && m.RiskyPaths.Count > 0).ToList();

    /// <summary>A release that needs an admin's decision and a reason.</summary>
    public bool NeedsDecision => Op == "release" && Risky.Count > 0;

    /// <summary>A release this user may not do: the button is absent and the page says why.</summary>
    public bool Blocked => NeedsDecision && !IsAdmin;

    /// <summary>The confirmation page for the same release without the messages that need an admin, or null when none is left.</summary>
    public string? OthersLink
    {
        get
        {
            var others = Messages.Where(m => m.Message.State == MessageState.Quarantined && m.RiskyPaths.Count == 0).Select(m => m.Message.Id).ToList();
            return others.Count == 0 ? null : "/quarantine/confirm?op=release&" + string.Join("&", others.Select(id => "ids=" + Uri.EscapeDataString(id)));
        }
    }

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
        "release" => Lang.T("解放したメールは、通常の配送経路で下記の宛先へ一度だけ配送されます。宛先と添付ファイルを確認してください。",
            "Released mail is delivered once, through the normal delivery path, to the recipients below. Check them and the attachments."),
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

        await LoadAsync();
        return Page();
    }

    /// <summary>Does it, message by message, and reports what happened.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (Op is not ("release" or "delete" or "notify"))
        {
            return BadRequest();
        }

        if (Op == "release")
        {
            return await ReleaseAsync();
        }

        var done = 0;
        var skipped = 0;
        foreach (var id in Ids.Distinct().Take(MaxBatch).Where(QueueId.IsValid))
        {
            var ok = Op == "delete"
                ? await quarantine.DeleteAsync(id, Actor, HttpContext.RequestAborted)
                : await quarantine.NotifySenderAsync(id, Actor, HttpContext.RequestAborted);
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

    private async Task<IActionResult> ReleaseAsync()
    {
        if (Reason is { } typed && typed.Trim().Length > ReleaseRequest.MaxReasonLength)
        {
            return await RefusedAsync(Lang.T($"理由は{ReleaseRequest.MaxReasonLength}文字以内で入力してください。", $"The reason must be at most {ReleaseRequest.MaxReasonLength} characters."), 400);
        }

        var results = await quarantine.ReleaseAsync(Ids.Distinct().Take(MaxBatch).ToList(), new ReleaseRequest(Actor, IsAdmin, Reason), HttpContext.RequestAborted);
        if (results.FirstOrDefault(r => r.Outcome is ReleaseOutcome.AdminRequired or ReleaseOutcome.ReasonRequired) is { } refused)
        {
            var needing = string.Join(", ", results.Where(r => r.Outcome == refused.Outcome).Select(r => r.Id));
            return await RefusedAsync(refused.Outcome == ReleaseOutcome.AdminRequired
                ? Lang.T($"解放しませんでした。偽装ファイル・実行ファイルを含むメールは管理者だけが解放できます（{needing}）。選択したほかのメールも解放していません。",
                    $"Nothing was released: only an admin may release mail with disguised or executable content ({needing}). The other selected mail was not released either.")
                : Lang.T($"解放しませんでした。偽装ファイル・実行ファイルを含むメール（{needing}）を解放する理由を入力してください。",
                    $"Nothing was released: enter the reason for releasing mail with disguised or executable content ({needing})."),
                refused.Outcome == ReleaseOutcome.AdminRequired ? 403 : 400);
        }

        var released = results.Count(r => r.Released);
        var others = results.Where(r => !r.Released).Select(r => $"{r.Id}: {ReleaseTexts.Outcome(r.Outcome)}").ToList();
        TempData["Message"] = Lang.T($"解放: {released}件を処理しました（配送キューに入りました）" + (others.Count > 0 ? $"。対象外 {others.Count}件 — {string.Join("、", others)}" : ""),
            $"Release: {released} done (queued for delivery)" + (others.Count > 0 ? $"; {others.Count} not released — {string.Join("; ", others)}" : ""));
        return Ids.Count == 1 ? Redirect("/quarantine/" + Uri.EscapeDataString(Ids[0])) : Redirect("/quarantine");
    }

    private async Task<IActionResult> RefusedAsync(string error, int status)
    {
        Error = error;
        await LoadAsync();
        Response.StatusCode = status;
        return Page();
    }

    private async Task LoadAsync()
    {
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
        var list = new List<ReviewItem>();
        foreach (var id in Ids.Distinct().Take(MaxBatch).Where(QueueId.IsValid))
        {
            if (await quarantine.ShowAsync(id, HttpContext.RequestAborted) is { } found)
            {
                list.Add(await ReviewItem.LoadAsync(quarantine, found.Message, HttpContext.RequestAborted));
            }
        }

        Messages = list;
    }
}
