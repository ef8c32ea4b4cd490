using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>Shown (with 403) when a signed-in user's role does not cover a page.</summary>
[AllowAnonymous]
public sealed class DeniedModel : PageModel
{
    /// <summary>Shows the page.</summary>
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
