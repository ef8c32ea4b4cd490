using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>The language switch: remembers ja or en in a cookie for a year.</summary>
[AllowAnonymous]
public sealed class LangModel : PageModel
{
    /// <summary>Back to the sign-in page.</summary>
    public IActionResult OnGet() => Redirect("/");

    /// <summary>Sets the language and returns to the page the switch was on.</summary>
    public IActionResult OnPost(string? lang, string? returnUrl)
    {
        if (lang is "ja" or "en")
        {
            Response.Cookies.Append(LanguageMiddleware.CookieName, lang, new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365),
                SameSite = SameSiteMode.Strict,
                HttpOnly = true,
                IsEssential = true,
            });
        }

        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
