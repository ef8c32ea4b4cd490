using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// Checks every request's session against the account: a disabled account, a changed role or a new password
/// (a new security stamp) ends the session at once, not when the cookie expires. An Entra ID session has no local
/// account: it lasts while Entra ID sign-in stays configured for its tenant, until the session timeout like any other,
/// and never longer than <see cref="EntraSignInOptions.MaxSessionAge"/> after its sign-in (roles are read at sign-in).
/// </summary>
public sealed class SessionValidator(GatewayDatabase database, ConsoleOptions options, TimeProvider time) : CookieAuthenticationEvents
{
    /// <summary>The claim holding the account's security stamp at sign-in.</summary>
    public const string StampClaim = "safemail:stamp";

    /// <inheritdoc/>
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (EntraSignIn.IsEntraSession(context.Principal))
        {
            // The cookie handler has already ended expired sessions. Entra ID's roles cannot be re-read per request, so a role
            // removed in Entra ID takes effect at the next sign-in; turning Entra ID sign-in off (or to another tenant) ends
            // every such session at once.
            var principal = context.Principal!;
            var tenant = principal.FindFirst(EntraSignIn.TenantClaim)?.Value;
            var signedInAt = long.TryParse(principal.FindFirst(EntraSignIn.SignedInAtClaim)?.Value, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var milliseconds) ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : (DateTimeOffset?)null;
            if (options.EntraId is not { } entra || !string.Equals(tenant, entra.TenantId, StringComparison.OrdinalIgnoreCase)
                || principal.FindFirst(ClaimTypes.Role)?.Value is not { } role || !ConsoleRoles.All.Contains(role)
                || principal.FindFirst(StampClaim) is not null
                // However active, an Entra session ends after MaxSessionAge: the next sign-in reads the roles again.
                || signedInAt is null || time.GetUtcNow() - signedInAt.Value > entra.MaxSessionAge)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }

            return;
        }

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
