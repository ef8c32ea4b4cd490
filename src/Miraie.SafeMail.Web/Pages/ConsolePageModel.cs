using System.Data.Common;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>What every console page needs: the store and who is acting.</summary>
public abstract class ConsolePageModel(SafeMailDatabase database) : PageModel
{
    /// <summary>The signed-in user's name, as the audit log records it.</summary>
    protected string Actor => "web:" + (User.Identity?.Name ?? "?");

    /// <summary>An open connection to the gateway's database.</summary>
    protected Task<DbConnection> OpenAsync() => database.OpenAsync(HttpContext.RequestAborted);
}
