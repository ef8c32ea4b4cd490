using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;
using Miraie.SafeMail.Web.Quarantine;

namespace Miraie.SafeMail.Web.Pages.Quarantine;

/// <summary>One message: envelope, reasons, attachment tree, body as text, headers, history, actions.</summary>
[Authorize(Policy = ConsolePolicies.Operators)]
public sealed class DetailModel(SafeMailDatabase database, QuarantineService quarantine, IOptions<QuarantineOptions> options, TimeProvider time,
    PolicyProvider policy, PolicyVersionWatcher versions) : ConsolePageModel(database)
{
    /// <summary>The message.</summary>
    public MessageView View { get; private set; } = null!;

    /// <summary>The rules in force, for the rule's description.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>Disguised or executable attachments, when the message has any: only an admin may release it, with a reason.</summary>
    public IReadOnlyList<string> RiskyPaths { get; private set; } = [];

    /// <summary>When the retention purge removes it.</summary>
    public DateTimeOffset PurgeAt => View.Message.ReceivedAt + options.Value.Retention;

    /// <summary>How long ago it arrived, in words.</summary>
    public string Age => Span(time.GetUtcNow() - View.Message.ReceivedAt, Lang.T("前", " ago"));

    /// <summary>How long until the purge, in words.</summary>
    public string LeftBeforePurge => Span(PurgeAt - time.GetUtcNow(), Lang.T("後", " left"));

    /// <summary>Loads the message.</summary>
    public async Task<IActionResult> OnGetAsync(string id)
    {
        var view = await MessageView.LoadAsync(quarantine, id, HttpContext.RequestAborted);
        if (view is null)
        {
            return NotFound();
        }

        View = view;
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
        RiskyPaths = ReleaseReview.RiskyPaths(view.Message);
        return Page();
    }

    private static string Span(TimeSpan span, string suffix)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalDays >= 1 ? Lang.T($"{(int)span.TotalDays}日{span.Hours}時間{suffix}", $"{(int)span.TotalDays} d {span.Hours} h{suffix}")
            : Lang.T($"{span.Hours}時間{span.Minutes}分{suffix}", $"{span.Hours} h {span.Minutes} min{suffix}");
    }
}
