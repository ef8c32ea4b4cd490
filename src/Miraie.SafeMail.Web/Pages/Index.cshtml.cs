using Microsoft.AspNetCore.Authorization;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Dashboard;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>The dashboard: verdicts per day for 7 or 30 days, top reasons and senders, the queue.</summary>
[Authorize(Policy = ConsolePolicies.Anyone)]
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
    public async Task OnGetAsync(int days = 7)
    {
        Days = days == 30 ? 30 : 7;
        await using var connection = await OpenAsync();
        Stats = await DashboardStats.LoadAsync(connection, Days, time.GetUtcNow(), display, HttpContext.RequestAborted);
        Nodes = await NodeRow.LoadAsync(connection, time.GetUtcNow(), HttpContext.RequestAborted);
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
    }
}
