using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Pages;

namespace Miraie.SafeMail.Web.Waiting;

/// <summary>
/// What the held-mail and approval detail pages share: loading a message the user may see (404 otherwise), and turning a
/// decision's outcome into the notice shown after the redirect (404 when the message is not the user's to see).
/// </summary>
public abstract class WaitingPageModel(SafeMailDatabase database, WaitingAccess access, QuarantineService quarantine, WaitingStore store, TimeProvider time,
    PolicyProvider policy, PolicyVersionWatcher versions) : ConsolePageModel(database)
{
    /// <summary>The message.</summary>
    public WaitingMessageView View { get; private set; } = null!;

    /// <summary>The rules in force, for the rule's description.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>Now, for the time left.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Who acts, for the services (audited as web:NAME, like <see cref="ConsolePageModel.Actor"/>).</summary>
    protected WaitingActor Acting => WaitingAccess.ActorFor(User);

    /// <summary>The access rules.</summary>
    protected WaitingAccess Access => access;

    /// <summary>Loads <paramref name="message"/> (found by the page for this user), or answers 404 when it is null.</summary>
    protected async Task<IActionResult> ShowAsync(MessageRecord? message, bool withBody)
    {
        if (message is null)
        {
            return NotFound();
        }

        View = await WaitingMessageView.LoadAsync(quarantine, store, message, withBody, HttpContext.RequestAborted);
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
        return Page();
    }

    /// <summary>
    /// After a decision: 404 when the message is not the user's to see (the service has audited the attempt), otherwise back
    /// to <paramref name="path"/> with what happened, in the user's language.
    /// </summary>
    protected IActionResult Answer(DecisionResult result, string action, string path)
    {
        if (result.Outcome == DecisionOutcome.NotFound)
        {
            return NotFound();
        }

        TempData[result.Done ? "Message" : "Error"] = result.Text(action).ToString();
        return LocalRedirect(path + result.Id);
    }
}
