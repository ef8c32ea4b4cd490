using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.AddIn;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web;

/// <summary>The console's wiring: pages, sign-in, roles, antiforgery, languages, security headers and the reverse proxy.</summary>
public static class ConsoleServices
{
    /// <summary>Adds the console's services (the gateway's store must be added too: <c>AddSafeMailGateway</c>).</summary>
    public static IServiceCollection AddSafeMailConsole(this IServiceCollection services, ConsoleOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SessionValidator>();
        services.AddSingleton(new SignInThrottleLimits());
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInDevices>();
        services.AddSingleton<Waiting.WaitingAccess>();
        // Forwarded headers only from the configured proxies, and only the nearest hop (ADR-011). None configured: the
        // middleware is not added at all.
        var proxies = ConsoleSettings.KnownProxyNetworks(options);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear(); // the framework's default trusts loopback
            o.KnownIPNetworks.Clear();
            foreach (var network in proxies)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        // Sent on HTTPS responses only. A year; not includeSubDomains (that would bind every host of the company's domain).
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
            o.Preload = false;
        });
        // Japanese stays Japanese in the HTML (the default encoder writes every kana as &#x…;); markup characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(o => o.Conventions.AllowAnonymousToPage("/Login"))
            .AddMvcOptions(o => o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "safemail-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = options.SecureCookie ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "safemail-session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = options.SecureCookie ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.SessionTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/denied";
            o.EventsType = typeof(SessionValidator);
        });
        services.AddSafeMailEntraSignIn(options);
        services.AddAuthorization(ConsolePolicies.Add);
        return services;
    }

    /// <summary>The request pipeline.</summary>
    public static WebApplication UseSafeMailConsole(this WebApplication app)
    {
        app.Services.GetRequiredService<SafeMailDatabase>().MigrateAsync().GetAwaiter().GetResult();
        var options = app.Services.GetRequiredService<ConsoleOptions>();
        if (options.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseHsts();
        var addIn = app.Services.GetRequiredService<AddInOptions>();
        // Where MSAL may fetch tokens itself when Outlook cannot broker them (no Nested App Authentication support).
        var addInConnect = addIn.EntraId is { } entra ? "'self' " + new Uri(entra.Instance).GetLeftPart(UriPartial.Authority) : "'self'";
        // The sign-in page's "Sign in with Microsoft" form is answered with a redirect to Entra ID, which form-action must allow.
        var formAction = options.EntraId is { } console
            ? "'self' " + new Uri(console.Instance).GetLeftPart(UriPartial.Authority)
            : "'self'";
        var addInFrameAncestors = addIn.AllowedOrigins.Append(addIn.PublicUrl ?? "").Where(o => o.Length > 0).Select(o => o.TrimEnd('/')).Prepend("'self'").ToList();
        var serverTiming = app.Environment.IsDevelopment();
        app.Use(async (context, next) =>
        {
            // Mail content is only ever shown as text; the policy below also stops any script that slipped through.
            var headers = context.Response.Headers;
            if (context.Request.Path.StartsWithSegments("/addin"))
            {
                // The add-in's pages are framed by Outlook on the web and load Office.js from Microsoft's CDN.
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; " +
                                                "script-src 'self' https://appsforoffice.microsoft.com; connect-src " + addInConnect + "; object-src 'none'; " +
                                                "frame-ancestors " + string.Join(' ', addInFrameAncestors) + "; base-uri 'none'";
            }
            else
            {
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
                                                "frame-ancestors 'none'; form-action " + formAction + "; base-uri 'none'";
                headers.XFrameOptions = "DENY";
            }

            headers.XContentTypeOptions = "nosniff";
            if (serverTiming)
            {
                // Server time of each response (shown by browsers' developer tools; read by tests/bench/console-list.sh). Development
                // only: in production it would tell anyone how long the server worked on a sign-in.
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers["Server-Timing"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"app;dur={System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0}");
                    return Task.CompletedTask;
                });
            }

            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache, no-store"; // exactly what antiforgery sets, so it need not override (and warn)
            headers.Pragma = "no-cache";
            await next(context);
        });
        if (options.SecureCookie)
        {
            app.UseMiddleware<HttpsOnlyMiddleware>();
        }

        app.UseMiddleware<LanguageMiddleware>();
        app.UseSafeMailAddIn();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        app.UseSafeMailAddInAuthentication();
        app.UseAuthorization();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorPages();
        app.MapSafeMailAddIn();
        app.MapSafeMailArchives();
        app.MapSafeMailAddInSignIn();
        app.MapSafeMailAddInWaiting();
        app.MapSafeMailAddInLinks();
        app.MapSafeMailAddInIncidents();
        return app;
    }
}
