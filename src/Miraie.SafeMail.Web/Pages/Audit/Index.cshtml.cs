using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Audit;

namespace Miraie.SafeMail.Web.Pages.Audit;

/// <summary>The audit log with filters and paging.</summary>
[Authorize(Policy = ConsolePolicies.Auditors)]
public sealed class IndexModel(SafeMailDatabase database, DisplayTime display) : ConsolePageModel(database)
{
    /// <summary>The filter.</summary>
    [BindProperty(SupportsGet = true)]
    public AuditFilter Filter { get; set; } = new();

    /// <summary>This page's entries.</summary>
    public IReadOnlyList<AuditEntry> Rows { get; private set; } = [];

    /// <summary>All matching entries.</summary>
    public long Total { get; private set; }

    /// <summary>Runs the query.</summary>
    public async Task OnGetAsync()
    {
        await using var connection = await OpenAsync();
        (Rows, Total) = await AuditQuery.PageAsync(connection, Filter, display, HttpContext.RequestAborted);
    }

    /// <summary>The same filter on another page.</summary>
    public string PageLink(int page) => PageLinks.Page(Request, "/audit", page);
}
