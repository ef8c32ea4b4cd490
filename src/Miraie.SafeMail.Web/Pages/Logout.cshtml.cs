using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>Ends the session (POST only, with the antiforgery token).</summary>
[AllowAnonymous]
public sealed class LogoutModel : PageModel
{
    /// <summary>Nothing to show: back to the sign-in page.</summary>
    public IActionResult OnGet() => Redirect("/login");

    /// <summary>Signs out.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/login");
    }
}
