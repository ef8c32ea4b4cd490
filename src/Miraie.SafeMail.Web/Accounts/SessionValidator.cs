using System.Data.Common;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// Every session is a row on the server (<see cref="ConsoleSessions"/>): signing in adds it and puts its id in the cookie,
/// signing out deletes it, and every request checks it is still there — so a cookie saved before sign-out opens nothing.
/// Every request also checks a local session against its account: a disabled account, a changed role or a new password
/// (a new security stamp) ends the session at once, not when the cookie expires. An Entra ID session has no local
/// account: it lasts while Entra ID sign-in stays configured for its tenant, until the session timeout like any other,
/// and never longer than <see cref="EntraSignInOptions.MaxSessionAge"/> after its sign-in (roles are read at sign-in).
/// </summary>
public sealed class SessionValidator(SafeMailDatabase database, ConsoleOptions options, TimeProvider time) : CookieAuthenticationEvents
{
    /// <summary>The claim holding the account's security stamp at sign-in.</summary>
    public const string StampClaim = "safemail:stamp";

    /// <summary>The claim holding the session's id (its row in <c>console_sessions</c>).</summary>
    public const string SessionClaim = "safemail:sid";

    /// <inheritdoc/>
    public override async Task SigningIn(CookieSigningInContext context)
    {
        var principal = context.Principal!;
        var name = principal.Identity!.Name!;
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(context.HttpContext.RequestAborted);
        var id = await ConsoleSessions.StartAsync(connection, name, now, now - options.SessionTimeout - TimeSpan.FromHours(1), context.HttpContext.RequestAborted);
        ((ClaimsIdentity)principal.Identity).AddClaim(new Claim(SessionClaim, id));
    }

    /// <inheritdoc/>
    public override async Task SigningOut(CookieSigningOutContext context)
    {
        if (context.HttpContext.User.FindFirst(SessionClaim)?.Value is { } id)
        {
            await using var connection = await database.OpenAsync(context.HttpContext.RequestAborted);
            await ConsoleSessions.EndAsync(connection, id, context.HttpContext.RequestAborted);
        }
    }

    /// <inheritdoc/>
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        await using var connection = await database.OpenAsync(context.HttpContext.RequestAborted);
        var session = context.Principal?.FindFirst(SessionClaim)?.Value;
        var name = context.Principal?.Identity?.Name;
        if (session is null || name is null || !await ConsoleSessions.IsOpenAsync(connection, session, name, time.GetUtcNow(), context.HttpContext.RequestAborted))
        {
            // Signed out (or a cookie from before sessions were kept on the server).
            await RejectAsync(context, connection, null);
            return;
        }

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
                || principal.FindFirst(ClaimTypes.Role)?.Value is not { } role
                || !(ConsoleRoles.All.Contains(role) || (role == ConsoleRoles.Sender && entra.AdmitSenders))
                || principal.FindFirst(StampClaim) is not null
                // However active, an Entra session ends after MaxSessionAge: the next sign-in reads the roles again.
                || signedInAt is null || time.GetUtcNow() - signedInAt.Value > entra.MaxSessionAge)
            {
                await RejectAsync(context, connection, session);
            }

            return;
        }

        var stamp = context.Principal!.FindFirst(StampClaim)?.Value;
        var user = await ConsoleUsers.GetAsync(connection, name, context.HttpContext.RequestAborted);
        if (user is null || user.Disabled || user.SecurityStamp != stamp || !context.Principal!.IsInRole(user.Role))
        {
            await RejectAsync(context, connection, session);
        }
    }

    // The cookie is dropped and the session's row (when it still has one) deleted.
    private static async Task RejectAsync(CookieValidatePrincipalContext context, DbConnection connection, string? session)
    {
        context.RejectPrincipal();
        if (session is not null)
        {
            await ConsoleSessions.EndAsync(connection, session, context.HttpContext.RequestAborted);
        }

        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>The principal for a signed-in account.</summary>
    public static ClaimsPrincipal PrincipalFor(ConsoleUser user) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(StampClaim, user.SecurityStamp)],
        CookieAuthenticationDefaults.AuthenticationScheme));
}
