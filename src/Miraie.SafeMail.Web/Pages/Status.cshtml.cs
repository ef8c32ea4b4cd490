using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>Error pages for 400, 404 and others, in both languages.</summary>
[AllowAnonymous]
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    /// <summary>The HTTP status.</summary>
    public int Code { get; private set; }

    /// <summary>Shows the page.</summary>
    public void OnGet(int code) => Code = code;

    /// <summary>Re-executed POSTs (a refused antiforgery token) land here too.</summary>
    public void OnPost(int code) => Code = code;
}
