using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Incidents;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Incidents;

/// <summary>
/// 誤送信の報告: a sender (their own mail) or an operator or admin (anyone's) reports a message as misdirected. Short on
/// purpose — which message, which recipients, anything to add, all optional but the message — and thankful: a report
/// is asked for, never questioned. Held mail is cancelled and approval declined at once; the page says what happened.
/// </summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class ReportModel(SafeMailDatabase database, IncidentService incidents) : ConsolePageModel(database)
{
    /// <summary>The queue id, when known (the held-mail page links here with it).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    /// <summary>The subject or the Message-ID, when there is no queue id.</summary>
    [BindProperty]
    public string? Hint { get; set; }

    /// <summary>The recipients that were wrong (comma- or line-separated).</summary>
    [BindProperty]
    public string? Wrong { get; set; }

    /// <summary>Anything the reporter wants to say.</summary>
    [BindProperty]
    public string? Statement { get; set; }

    /// <summary>What the last report did, shown after the redirect.</summary>
    public IReadOnlyList<string> Steps { get; private set; } = [];

    /// <summary>Shows the form (auditors only read, and are refused).</summary>
    public IActionResult OnGet()
    {
        Steps = TempData["Steps"] is string steps ? steps.Split('\n') : [];
        return IncidentAccess.MayReport(User) ? Page() : Forbid();
    }

    /// <summary>Records, contains and reports it; another sender's message is answered 404.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (!IncidentAccess.MayReport(User))
        {
            return Forbid();
        }

        var hint = Hint?.Trim();
        var byMessageId = hint is { Length: > 2 } && hint.StartsWith('<') && hint.EndsWith('>') && hint.Contains('@', StringComparison.Ordinal);
        var result = await incidents.ReportAsync(WaitingAccess.ActorFor(User),
            new IncidentReport(Id, byMessageId ? hint : null, byMessageId ? null : hint, Wrong is null ? [] : [Wrong], Statement), HttpContext.RequestAborted);
        if (result.Outcome == IncidentOutcome.NotFound)
        {
            return NotFound();
        }

        if (!result.Done)
        {
            TempData["Error"] = result.Text.ToString();
            return LocalRedirect("/incidents/report" + (Id is { Length: > 0 } id ? "?id=" + Uri.EscapeDataString(id) : ""));
        }

        TempData["Message"] = result.Text.ToString();
        if (IncidentAccess.MayRead(User))
        {
            return LocalRedirect($"/incidents/{result.IncidentId}"); // its work log shows what containment did
        }

        TempData["Steps"] = string.Join('\n', result.Steps.Select(s => s.Text.ToString()));
        return LocalRedirect("/incidents/report");
    }
}
