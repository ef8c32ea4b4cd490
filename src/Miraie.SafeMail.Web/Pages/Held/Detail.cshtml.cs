using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Held;

/// <summary>One held message (送信保留): recipients, attachments, time left; cancel or send now (its sender, operators, admins).</summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class DetailModel(SafeMailDatabase database, WaitingAccess access, HeldMailService held, QuarantineService quarantine, WaitingStore store,
    TimeProvider time, PolicyProvider policy, PolicyVersionWatcher versions) : WaitingPageModel(database, access, quarantine, store, time, policy, versions)
{
    /// <summary>True when the page offers cancel and send now: the message is still held and the user may act.</summary>
    public bool MayAct => View.Message.State == MessageState.Held && WaitingAccess.MayAct(User);

    /// <summary>Shows the message, or 404 when it is not the user's to see.</summary>
    public async Task<IActionResult> OnGetAsync(string id) => await ShowAsync(await Access.HeldMessageAsync(User, id, HttpContext.RequestAborted), withBody: false);

    /// <summary>Cancels it: it is never sent.</summary>
    public Task<IActionResult> OnPostCancelAsync(string id) => DecideAsync(id, DecisionTexts.Cancel);

    /// <summary>Sends it now.</summary>
    public Task<IActionResult> OnPostSendNowAsync(string id) => DecideAsync(id, DecisionTexts.SendNow);

    private async Task<IActionResult> DecideAsync(string id, string action)
    {
        if (!WaitingAccess.MayAct(User))
        {
            return Forbid();
        }

        var result = action == DecisionTexts.Cancel
            ? await held.CancelAsync(Acting, id, HttpContext.RequestAborted)
            : await held.SendNowAsync(Acting, id, HttpContext.RequestAborted);
        return Answer(result, action, "/held/");
    }
}
