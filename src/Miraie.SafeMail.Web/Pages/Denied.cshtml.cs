using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>Shown (with 403) when a signed-in user's role does not cover a page.</summary>
[AllowAnonymous]
public sealed class DeniedModel : PageModel
{
    /// <summary>True when an Entra ID user was refused for holding none of SafeMail's app roles.</summary>
    public bool EntraNoRole => Request.Query["entra"] == "no-role";

    /// <summary>Shows the page.</summary>
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
