using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Links;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Links;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Links;

/// <summary>
/// One download link: files, recipients, state, first download; revoke (its sender, operators, admins — never auditors).
/// Someone else's link is "no such link" for a sender.
/// </summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class DetailModel(SafeMailDatabase database, LinkService links, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>The link.</summary>
    public LinkRecord Link { get; private set; } = null!;

    /// <summary>Its address.</summary>
    public string LinkUrl { get; private set; } = "";

    /// <summary>Now, for its state.</summary>
    public DateTimeOffset Now { get; } = time.GetUtcNow();

    /// <summary>What the last action said.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>True when the page offers revoke.</summary>
    public bool MayRevoke => Link.IsLive(Now) && WaitingAccess.MayAct(User);

    /// <summary>Shows it, or 404.</summary>
    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await VisibleAsync(id) is not { } link)
        {
            return NotFound();
        }

        Link = link;
        LinkUrl = links.UrlOf(link.Id);
        return Page();
    }

    /// <summary>Revokes it: no more downloads.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(string id)
    {
        if (!WaitingAccess.MayAct(User))
        {
            return Forbid();
        }

        if (await VisibleAsync(id) is null)
        {
            return NotFound();
        }

        var actor = WaitingAccess.ActorFor(User);
        var done = await links.RevokeAsync(id, actor.Name, actor.IsOperator ? null : actor.Address ?? "", HttpContext.RequestAborted);
        Notice = done ? Localization.Lang.T("リンクを取り消しました。以後ダウンロードできません。", "The link was revoked: no more downloads.")
            : Localization.Lang.T("このリンクはすでに使えません。", "This link is no longer live.");
        return Redirect("/links/" + id);
    }

    private async Task<LinkRecord?> VisibleAsync(string id)
    {
        var link = await links.GetAsync(id, HttpContext.RequestAborted);
        return link is null ? null
            : WaitingAccess.IsStaff(User) ? link
            : string.Equals(link.Sender, WaitingAccess.ActorFor(User).Address, StringComparison.OrdinalIgnoreCase) ? link
            : null;
    }
}
