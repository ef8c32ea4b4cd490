using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Incidents;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Incidents;

/// <summary>
/// One misdelivery report: what was reported and about which message (recipients with 社外 marked, attachments from the
/// stored inspection), the work log (作業記録) with what containment did, and the root cause (根本原因) and corrective action
/// (是正処置). Operators and admins write and close; auditors read.
/// </summary>
[Authorize(Policy = ConsolePolicies.Anyone)]
public sealed class DetailModel(SafeMailDatabase database, IncidentService incidents, WaitingStore store) : ConsolePageModel(database)
{
    /// <summary>The incident.</summary>
    public IncidentRecord Incident { get; private set; } = null!;

    /// <summary>Its work log, oldest first.</summary>
    public IReadOnlyList<IncidentLogEntry> Log { get; private set; } = [];

    /// <summary>The reported message, when SafeMail knows it.</summary>
    public MessageRecord? Message { get; private set; }

    /// <summary>Its attachments, from the stored inspection.</summary>
    public IReadOnlyList<ReviewedAttachment> Attachments { get; private set; } = [];

    /// <summary>True when the user may write to it: an operator or admin, and it is still open.</summary>
    public bool MayKeep => IncidentAccess.MayKeep(User) && Incident.State == IncidentState.Open;

    /// <summary>Shows it, or 404.</summary>
    public async Task<IActionResult> OnGetAsync(long id)
    {
        if (await incidents.GetAsync(id, HttpContext.RequestAborted) is not { } found)
        {
            return NotFound();
        }

        (Incident, Log) = found;
        if (Incident.MessageId is { } messageId && await store.GetAsync(messageId, HttpContext.RequestAborted) is { } message)
        {
            Message = message;
            try
            {
                Attachments = ReleaseReview.Attachments(message);
            }
            catch (System.Text.Json.JsonException)
            {
                Attachments = [];
            }
        }

        return Page();
    }

    /// <summary>Adds a work log entry.</summary>
    public Task<IActionResult> OnPostLogAsync(long id, string? text) =>
        ChangeAsync(id, actor => incidents.AddLogAsync(actor, id, text, HttpContext.RequestAborted));

    /// <summary>Records the root cause and the corrective action (a blank one is left as it was).</summary>
    public Task<IActionResult> OnPostFindingsAsync(long id, string? rootCause, string? correctiveAction) =>
        ChangeAsync(id, actor => incidents.SetFindingsAsync(actor, id, rootCause, correctiveAction, HttpContext.RequestAborted));

    /// <summary>Closes it (needs the root cause and the corrective action).</summary>
    public Task<IActionResult> OnPostCloseAsync(long id) => ChangeAsync(id, actor => incidents.CloseAsync(actor, id, HttpContext.RequestAborted));

    private async Task<IActionResult> ChangeAsync(long id, Func<WaitingActor, Task<IncidentOutcome>> change)
    {
        if (!IncidentAccess.MayKeep(User))
        {
            return Forbid();
        }

        var outcome = await change(WaitingAccess.ActorFor(User));
        if (outcome == IncidentOutcome.NotFound)
        {
            return NotFound();
        }

        TempData[outcome == IncidentOutcome.Done ? "Message" : "Error"] = IncidentTexts.Outcome(outcome).ToString();
        return LocalRedirect($"/incidents/{id}");
    }
}
