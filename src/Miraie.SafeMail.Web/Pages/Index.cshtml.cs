using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Dashboard;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>
/// The dashboard: verdicts per day for 7 or 30 days, top reasons and senders, the queue. Where everyone lands after signing
/// in: a sender (ADR-017) is sent on to their held mail, the dashboard being for console staff only.
/// </summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class IndexModel(SafeMailDatabase database, TimeProvider time, DisplayTime display, PolicyProvider policy, PolicyVersionWatcher versions)
    : ConsolePageModel(database)
{
    /// <summary>7 or 30.</summary>
    public int Days { get; private set; }

    /// <summary>The rules in force, for the reasons' descriptions.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>The figures.</summary>
    public DashboardStats Stats { get; private set; } = null!;

    /// <summary>Every gateway node that has reported.</summary>
    public IReadOnlyList<NodeRow> Nodes { get; private set; } = [];

    /// <summary>Loads the figures.</summary>
    public async Task<IActionResult> OnGetAsync(int days = 7)
    {
        if (!User.IsInRole(ConsoleRoles.Sender) || ConsoleRoles.All.Any(User.IsInRole))
        {
            await LoadAsync(days);
            return Page();
        }

        return LocalRedirect("/held");
    }

    private async Task LoadAsync(int days)
    {
        Days = days == 30 ? 30 : 7;
        await using var connection = await OpenAsync();
        Stats = await DashboardStats.LoadAsync(connection, Days, time.GetUtcNow(), display, HttpContext.RequestAborted);
        Nodes = await NodeRow.LoadAsync(connection, time.GetUtcNow(), HttpContext.RequestAborted);
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
    }
}
