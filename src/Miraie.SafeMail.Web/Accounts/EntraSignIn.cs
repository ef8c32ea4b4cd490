using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// Console sign-in with Microsoft Entra ID (ADR-009): the OpenID Connect authorization code flow (with PKCE and the client
/// secret) on its own scheme, <see cref="Scheme"/>, which signs into the console's own cookie — so pages, roles and
/// antiforgery are the same as for local accounts. The session carries the user's sign-in name, the console role mapped
/// from the ID token's app roles, and <see cref="SourceClaim"/> marking it as an Entra ID session.
/// </summary>
public static class EntraSignIn
{
    /// <summary>The OpenID Connect scheme (challenged by the sign-in page's "Sign in with Microsoft" button).</summary>
    public const string Scheme = "Entra";

    /// <summary>Where Entra ID sends the browser back: the redirect URI to register is https://CONSOLE/signin-oidc.</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>The session claim that marks an Entra ID session (value <see cref="Source"/>); local sessions have none.</summary>
    public const string SourceClaim = "safemail:source";

    /// <summary>The value of <see cref="SourceClaim"/>.</summary>
    public const string Source = "entra";

    /// <summary>The session claim holding the user's tenant (tid), checked on every request against the configured one.</summary>
    public const string TenantClaim = "safemail:tid";

    /// <summary>When the user signed in with Entra ID (Unix milliseconds): the session's absolute age is counted from it.</summary>
    public const string SignedInAtClaim = "safemail:entra-at";

    /// <summary>The session claim holding the user's object ID (oid), which stays when the sign-in name changes.</summary>
    public const string ObjectIdClaim = "safemail:oid";

    /// <summary>
    /// The session claim holding the user's mail address (their sign-in name when it is an address, lower case), which makes
    /// held mail and approvals theirs (ADR-017). Absent when the sign-in name is not an address.
    /// </summary>
    public const string AddressClaim = "safemail:address";

    /// <summary>Adds the <see cref="Scheme"/> scheme when <c>SafeMail:Console:EntraId</c> is set; nothing otherwise.</summary>
    public static IServiceCollection AddSafeMailEntraSignIn(this IServiceCollection services, ConsoleOptions console)
    {
        if (console.EntraId is not { } entra)
        {
            return services;
        }

        // AddAuthentication() without a scheme name leaves the default (the console's cookie) as it is.
        services.AddAuthentication().AddOpenIdConnect(Scheme, "Microsoft", o =>
        {
            o.Authority = $"{entra.Instance.TrimEnd('/')}/{entra.TenantId}/v2.0";
            o.ClientId = entra.ClientId;
            o.ClientSecret = entra.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            // The answer comes back in the query of a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
            // (form_post would need SameSite=None, which browsers drop without HTTPS). The code alone is useless: redeeming
            // it takes the client secret and the PKCE verifier.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.Scope.Clear();
            o.Scope.Add(OpenIdConnectScope.OpenIdProfile);
            o.CallbackPath = CallbackPath;
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.SaveTokens = false; // the session needs no Entra ID token, and the cookie stays small
            o.GetClaimsFromUserInfoEndpoint = false;
            o.MapInboundClaims = false; // keep roles, tid, preferred_username as Entra ID names them
            o.UseTokenLifetime = false; // the console's SessionTimeout decides, as for local accounts
            o.DisableTelemetry = true;
            o.TokenValidationParameters.NameClaimType = "preferred_username";
            o.TokenValidationParameters.RoleClaimType = "roles";
            // Our own issuer check (as for the add-in, ADR-007): the issuer must be this cloud's for the token's tenant, and that
            // tenant the configured one. Nothing is fetched to decide it.
            o.TokenValidationParameters.IssuerValidator = (issuer, token, _) => ValidateIssuer(entra, issuer, token);
            foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = console.SecureCookie ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            }

            o.Events = new OpenIdConnectEvents
            {
                // Behind a TLS reverse proxy the request says http://127.0.0.1: use the registered address instead. The handler
                // keeps this value for the code redemption, which must name the same redirect URI.
                OnRedirectToIdentityProvider = context =>
                {
                    if (entra.RedirectUri is { Length: > 0 } redirect)
                    {
                        context.ProtocolMessage.RedirectUri = redirect;
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = context => SignedInAsync(context, entra),
                OnRemoteFailure = RefusedAsync,
            };
        });
        return services;
    }

    /// <summary>The console principal of an Entra ID user (no local account, no security stamp).</summary>
    public static ClaimsPrincipal PrincipalFor(string name, string role, string tenantId, string? objectId, DateTimeOffset signedInAt)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name), new(ClaimTypes.Role, role), new(SourceClaim, Source), new(TenantClaim, tenantId),
            new(ObjectIdClaim, objectId ?? ""),
            new(SignedInAtClaim, signedInAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (AddressOf(name) is { } address)
        {
            claims.Add(new Claim(AddressClaim, address));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The mail address a sign-in name stands for (as the add-in takes it, ADR-007), or null when it is not one.</summary>
    public static string? AddressOf(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < name.Length - 1 && name.IndexOf('@', at + 1) < 0 && !name.Any(char.IsWhiteSpace) ? name.ToLowerInvariant() : null;
    }

    /// <summary>True when <paramref name="principal"/> is an Entra ID session (marked at sign-in).</summary>
    public static bool IsEntraSession(ClaimsPrincipal? principal) => principal?.FindFirst(SourceClaim)?.Value == Source;

    // The token is valid (signature, issuer and tenant, audience, lifetime, nonce): map its app roles to a console role and
    // replace the principal by the console's own, which the handler then signs into the cookie. No mapped role: refused.
    private static async Task SignedInAsync(TokenValidatedContext context, EntraSignInOptions entra)
    {
        var user = context.Principal!;
        var name = user.FindFirst("preferred_username")?.Value.Trim() ?? "";
        var objectId = user.FindFirst("oid")?.Value;
        var role = entra.SessionRoleFor(user.FindAll("roles").Select(c => c.Value));
        var client = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?";
        // A sender is known only by their address: a sign-in name that is not one reaches nothing, so it is refused.
        if (name.Length is 0 or > 254 || role is null || (role == Storage.Accounts.ConsoleRoles.Sender && AddressOf(name) is null))
        {
            var why = name.Length is 0 or > 254 ? "no preferred_username" : role is null ? "no SafeMail app role" : "sign-in name is not a mail address";
            await AuditAsync(context.HttpContext, "web:" + (name.Length is > 0 and <= 254 ? name : "?"), AuditActions.SignInFailed,
                $"entra: {why} (oid {objectId}) from {client}");
            context.Response.Redirect("/denied?entra=no-role");
            context.HandleResponse();
            return;
        }

        context.Principal = PrincipalFor(name, role, entra.TenantId!, objectId, context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        await AuditAsync(context.HttpContext, "web:" + name, AuditActions.SignIn, $"entra {role} (oid {objectId}) from {client}");
    }

    // The flow failed before a user was known (bad signature, other tenant, lost correlation cookie, Entra ID's own error):
    // audited with a fixed reason, never the library's message, and the user is sent back to the sign-in page.
    private static async Task RefusedAsync(RemoteFailureContext context)
    {
        var why = context.Failure switch
        {
            SecurityTokenInvalidIssuerException => "wrong tenant or issuer",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "invalid signature",
            SecurityTokenInvalidAudienceException => "wrong audience",
            SecurityTokenExpiredException or SecurityTokenNotYetValidException => "token out of its lifetime",
            OpenIdConnectProtocolInvalidNonceException => "invalid nonce",
            OpenIdConnectProtocolException => "refused by Entra ID or protocol error",
            SecurityTokenException => "invalid token",
            _ => "sign-in not completed",
        };
        var client = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?";
        await AuditAsync(context.HttpContext, "web:?", AuditActions.SignInFailed, $"entra: {why} from {client}");
        context.Response.Redirect("/login?entra=failed");
        context.HandleResponse();
    }

    private static async Task AuditAsync(HttpContext context, string actor, string action, string detail)
    {
        var services = context.RequestServices;
        await using var connection = await services.GetRequiredService<SafeMailDatabase>().OpenAsync(context.RequestAborted);
        await AuditLog.AppendAsync(connection, null, services.GetRequiredService<TimeProvider>().GetUtcNow(), actor, action, null, detail,
            context.RequestAborted);
    }

    private static string ValidateIssuer(EntraSignInOptions entra, string issuer, SecurityToken token)
    {
        var tenant = token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var tid) ? tid : "";
        return string.Equals(tenant, entra.TenantId, StringComparison.OrdinalIgnoreCase) && issuer == $"{entra.Instance.TrimEnd('/')}/{tenant}/v2.0"
            ? issuer
            : throw new SecurityTokenInvalidIssuerException("The issuer or tenant is not admitted.");
    }
}
