using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// Checks every request's session against the account: a disabled account, a changed role or a new password
/// (a new security stamp) ends the session at once, not when the cookie expires.
/// </summary>
public sealed class SessionValidator(GatewayDatabase database) : CookieAuthenticationEvents
{
    /// <summary>The claim holding the account's security stamp at sign-in.</summary>
    public const string StampClaim = "safemail:stamp";

    /// <inheritdoc/>
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var stamp = context.Principal?.FindFirst(StampClaim)?.Value;
        ConsoleUser? user = null;
        if (name is not null)
        {
            await using var connection = await database.OpenAsync(context.HttpContext.RequestAborted);
            user = await ConsoleUsers.GetAsync(connection, name, context.HttpContext.RequestAborted);
        }

        if (user is null || user.Disabled || user.SecurityStamp != stamp || !context.Principal!.IsInRole(user.Role))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>The principal for a signed-in account.</summary>
    public static ClaimsPrincipal PrincipalFor(ConsoleUser user) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(StampClaim, user.SecurityStamp)],
        CookieAuthenticationDefaults.AuthenticationScheme));
}
