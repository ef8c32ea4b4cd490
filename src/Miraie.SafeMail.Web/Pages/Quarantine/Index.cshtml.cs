using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Quarantine;

namespace Miraie.SafeMail.Web.Pages.Quarantine;

/// <summary>The quarantine list: filters, search, sorting, paging, counts, and bulk actions (confirmed on the next page).</summary>
[Authorize(Policy = ConsolePolicies.Operators)]
public sealed class IndexModel(SafeMailDatabase database, DisplayTime display, PolicyProvider policy, PolicyVersionWatcher versions) : ConsolePageModel(database)
{
    /// <summary>The filter from the query string.</summary>
    [BindProperty(SupportsGet = true)]
    public QuarantineFilter Filter { get; set; } = new();

    /// <summary>The page of results.</summary>
    public QuarantinePage Result { get; private set; } = null!;

    /// <summary>The rules in force, for the reasons' descriptions.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; private set; } = [];

    /// <summary>Runs the query.</summary>
    public async Task OnGetAsync()
    {
        await using var connection = await OpenAsync();
        Result = await QuarantineQuery.RunAsync(connection, Filter, display, HttpContext.RequestAborted);
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Rules = policy.Current.Options.Rules;
    }

    /// <summary>The same filter on another page.</summary>
    public string PageLink(int page) => PageLinks.Page(Request, "/quarantine", page);
}
