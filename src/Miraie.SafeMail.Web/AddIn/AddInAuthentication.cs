using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// The add-in API's production sign-in: Entra ID access tokens (Nested App Authentication in Outlook) validated by
/// Microsoft.Identity.Web on its own JwtBearer scheme, <see cref="Scheme"/> — never the default scheme, which stays the
/// console's cookie. A middleware authenticates <c>/api/addin/*</c> requests once, before the endpoints run, so that
/// <see cref="AddInCaller.Identify"/> stays synchronous and its call sites unchanged.
/// </summary>
public static class AddInAuthentication
{
    /// <summary>The authentication scheme of add-in tokens.</summary>
    public const string Scheme = "AddIn";

    /// <summary>The delegated scope the add-in's registration exposes and every token must carry (scp claim).</summary>
    public const string Scope = "access_as_user";

    // Where Entra ID puts the user's sign-in address: v2.0 tokens, v1.0 tokens, guests without a UPN.
    private static readonly string[] SenderClaims = ["preferred_username", "upn", "email"];

    /// <summary>Adds the <see cref="Scheme"/> scheme when <c>SafeMail:AddIn:EntraId</c> is set; nothing otherwise.</summary>
    public static IServiceCollection AddSafeMailAddInAuthentication(this IServiceCollection services, AddInOptions options)
    {
        if (options.EntraId is not { } entra)
        {
            return services;
        }

        // AddAuthentication() without a scheme name leaves the default (the console's cookie) as it is.
        services.AddAuthentication().AddMicrosoftIdentityWebApi(
            jwt =>
            {
                jwt.MapInboundClaims = false; // keep scp, tid, preferred_username as Entra ID names them
                jwt.SaveToken = false;
                jwt.TokenValidationParameters.ValidAudiences = entra.Audiences();
                jwt.TokenValidationParameters.NameClaimType = "preferred_username";
                // Our own issuer check, so Identity Web sets none of its own: the issuer must be this cloud's for the token's
                // tenant, and that tenant the configured one. Nothing is fetched to decide it.
                jwt.TokenValidationParameters.IssuerValidator = (issuer, token, _) => ValidateIssuer(entra, issuer, token);
            },
            identity =>
            {
                identity.Instance = entra.Instance;
                identity.TenantId = entra.TenantId;
                identity.ClientId = entra.ClientId;
            },
            Scheme);
        return services;
    }

    /// <summary>Authenticates add-in API requests against <see cref="Scheme"/> (after routing and CORS, before the endpoints).</summary>
    public static WebApplication UseSafeMailAddInAuthentication(this WebApplication app)
    {
        if (app.Services.GetRequiredService<AddInOptions>().EntraId is null)
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api/addin"))
            {
                var result = await context.AuthenticateAsync(Scheme);
                // JwtBearer goes on without keys when Entra ID's metadata cannot be fetched and then reports a missing key:
                // ask once more whether the keys can be had, so the pane is told the server's problem, not the sender's.
                var keysUnreachable = result.Failure is SecurityTokenSignatureKeyNotFoundException && !await KeysReachableAsync(context);
                context.Features.Set(new TokenFeature(result, keysUnreachable));
                LogRefusal(context, result, keysUnreachable);
            }

            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Maps <c>GET /api/addin/sign-in</c>: how the pane proves who sends (<c>entra</c> with the registration's client ID,
    /// authority and scope for MSAL; <c>development</c>; or <c>none</c>). Public on purpose: these values are in every
    /// sign-in request the browser makes anyway.
    /// </summary>
    public static void MapSafeMailAddInSignIn(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();
        object answer = options.EntraId is { } entra
            ? new
            {
                mode = "entra",
                clientId = entra.ClientId,
                authority = entra.Instance.TrimEnd('/') + "/" + entra.TenantId,
                scopes = new[] { (entra.Audience is { Length: > 0 } audience ? audience.TrimEnd('/') : "api://" + entra.ClientId) + "/" + Scope },
            }
            : new { mode = options.DevelopmentMode ? "development" : "none" };
        app.MapGet("/api/addin/sign-in", () => Results.Json(answer))
            .AllowAnonymous()
            .RequireCors(AddInEndpoints.Cors);
    }

    /// <summary>The sender from the request's validated token, or the problem to answer with (401, 403, 503).</summary>
    internal static (string? Sender, IResult? Problem) Identify(HttpContext context)
    {
        var feature = context.Features.Get<TokenFeature>();
        if (feature is not { Result: var result })
        {
            // The middleware did not run: a wiring mistake, and nothing unauthenticated may pass.
            return (null, Results.Problem(statusCode: StatusCodes.Status500InternalServerError,
                title: Lang.T("アドインの認証が構成されていません", "Add-in authentication is not wired")));
        }

        if (result.None)
        {
            return Unauthorized(context, "Bearer", Lang.T("サインインが必要です（Entra ID のアクセス トークンがありません）", "Sign-in required (no Entra ID access token)"));
        }

        if (feature.KeysUnreachable)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: Lang.T("Entra ID の署名鍵を取得できないため、トークンを確認できません", "The token cannot be checked: Entra ID's signing keys are unreachable")));
        }

        if (!result.Succeeded)
        {
            return Refused(context, result.Failure);
        }

        var user = result.Principal!;
        var scopes = user.FindFirst("scp")?.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (!scopes.Contains(Scope, StringComparer.Ordinal))
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{Scope}\"";
            return (null, Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: scopes.Length == 0
                ? Lang.T("利用者のトークンが必要です（アプリのみのトークンは使えません）", "A user's token is required (app-only tokens are refused)")
                : Lang.T($"トークンに {Scope} のスコープがありません", $"The token lacks the {Scope} scope")));
        }

        var sender = SenderClaims.Select(type => user.FindFirst(type)?.Value.Trim())
            .FirstOrDefault(value => value is { Length: > 0 and <= 254 } && value.Contains('@', StringComparison.Ordinal));
        return sender is null
            ? (null, Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: Lang.T("トークンに送信者のメール アドレスがありません", "The token names no sender address")))
            : (sender, null);
    }

    private static (string?, IResult?) Refused(HttpContext context, Exception? failure)
    {
        var (error, ja, en) = failure switch
        {
            SecurityTokenExpiredException => ("The token expired", "トークンの有効期限が切れています", "The token has expired"),
            SecurityTokenNotYetValidException => ("The token is not valid yet", "トークンはまだ有効ではありません", "The token is not valid yet"),
            SecurityTokenInvalidAudienceException => ("The audience is invalid", "このサーバー宛てのトークンではありません", "The token is not for this server"),
            SecurityTokenInvalidIssuerException => ("The issuer is invalid", "発行元またはテナントが違います", "Wrong issuer or tenant"),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                ("The signature is invalid", "トークンの署名が正しくありません", "The token's signature is invalid"),
            _ => ("The token is invalid", "トークンが正しくありません", "The token is invalid"),
        };
        return Unauthorized(context, $"Bearer error=\"invalid_token\", error_description=\"{error}\"", Lang.T(ja, en));
    }

    private static (string?, IResult?) Unauthorized(HttpContext context, string challenge, string title)
    {
        context.Response.Headers.WWWAuthenticate = challenge;
        return (null, Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: title));
    }

    private static string ValidateIssuer(EntraIdOptions entra, string issuer, SecurityToken token)
    {
        var tenant = token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var tid) ? tid : "";
        var admitted = Guid.TryParseExact(tenant, "D", out _)
                       && (entra.AdmitsEveryTenant() || string.Equals(tenant, entra.TenantId, StringComparison.OrdinalIgnoreCase));
        // v2.0 tokens (accessTokenAcceptedVersion 2) name the instance; v1.0 tokens name sts.windows.net (global Azure).
        return admitted && (issuer == $"{entra.Instance.TrimEnd('/')}/{tenant}/v2.0" || issuer == $"https://sts.windows.net/{tenant}/")
            ? issuer
            : throw new SecurityTokenInvalidIssuerException("The issuer or tenant is not admitted.");
    }

    private static async Task<bool> KeysReachableAsync(HttpContext context)
    {
        var jwt = context.RequestServices.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(Scheme);
        try
        {
            return jwt.ConfigurationManager is null || (await jwt.ConfigurationManager.GetConfigurationAsync(context.RequestAborted)).SigningKeys.Count > 0;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            return false;
        }
    }

    private static long _keysReportedAt;

    /// <summary>
    /// One short line per refused token (the kind of failure and the client, never the token); when Entra ID's keys are
    /// unreachable, an error at most once a minute — every add-in request fails then, and the log should say why once.
    /// </summary>
    private static void LogRefusal(HttpContext context, AuthenticateResult result, bool keysUnreachable)
    {
        if (result.None || result.Succeeded)
        {
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AddInAuthentication));
        if (keysUnreachable)
        {
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref _keysReportedAt);
            if ((last == 0 || now - last > 60_000) && Interlocked.CompareExchange(ref _keysReportedAt, now, last) == last)
            {
                logger.LogError("add-in sign-in: Entra ID's signing keys cannot be fetched; the add-in API answers 503 until they can");
            }

            return;
        }

        logger.LogInformation("add-in token refused ({Reason}) from {Client}", result.Failure?.GetType().Name ?? "unknown", context.Connection.RemoteIpAddress);
    }

    private sealed record TokenFeature(AuthenticateResult Result, bool KeysUnreachable);
}
