using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Approvals;

/// <summary>
/// One message awaiting approval (上長承認): recipients, attachments, the body as text, the deadline; approve, or reject with
/// a reason (its approvers, admins). Its sender sees it too, without the buttons.
/// </summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class DetailModel(SafeMailDatabase database, WaitingAccess access, ApprovalService approvals, QuarantineService quarantine, WaitingStore store,
    TimeProvider time, PolicyProvider policy, PolicyVersionWatcher versions) : WaitingPageModel(database, access, quarantine, store, time, policy, versions)
{
    /// <summary>True when the page offers approve and reject: the message still awaits approval and the user may decide on it.</summary>
    public bool MayDecide => View.Message.State == MessageState.AwaitingApproval && WaitingAccess.MayAct(User) && ApprovalService.MayDecide(Acting, View.Message);

    /// <summary>Shows the message, or 404 when it is not the user's to see.</summary>
    public async Task<IActionResult> OnGetAsync(string id) => await ShowAsync(await Access.ApprovalMessageAsync(User, id, HttpContext.RequestAborted), withBody: true);

    /// <summary>Approves it: it goes out now.</summary>
    public async Task<IActionResult> OnPostApproveAsync(string id, string? note) =>
        !WaitingAccess.MayAct(User) ? Forbid()
        : TooLong(note, id) ?? Answer(await approvals.ApproveAsync(Acting, id, note, HttpContext.RequestAborted), DecisionTexts.Approve, "/approvals/");

    /// <summary>Rejects it with a reason: it is never sent, and its sender is told why.</summary>
    public async Task<IActionResult> OnPostRejectAsync(string id, string? reason) =>
        !WaitingAccess.MayAct(User) ? Forbid()
        : TooLong(reason, id) ?? Answer(await approvals.RejectAsync(Acting, id, reason, HttpContext.RequestAborted), DecisionTexts.Reject, "/approvals/");

    // The form caps the field; a longer one (sent without the form) is refused here rather than by the service's exception.
    private IActionResult? TooLong(string? text, string id)
    {
        if (text is null || text.Trim().Length <= DecisionTexts.MaxReasonLength)
        {
            return null;
        }

        if (!QueueId.IsValid(id))
        {
            return NotFound();
        }

        TempData["Error"] = Lang.T($"理由は {DecisionTexts.MaxReasonLength} 文字以内で入力してください。", $"Keep the reason within {DecisionTexts.MaxReasonLength} characters.");
        return LocalRedirect("/approvals/" + id);
    }
}
