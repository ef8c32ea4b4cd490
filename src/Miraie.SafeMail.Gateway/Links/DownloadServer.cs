using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Observability;
using Miraie.SafeMail.Storage.Links;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// The public download page (ADR-021): a small Kestrel server of its own on <see cref="DownloadOptions.Urls"/>, apart
/// from SMTP, the console and metrics, so that publishing it publishes nothing else. A recipient opens
/// <c>/d/{id}</c>, names the address that received the mail, gets a one-time code there, and with it a session cookie
/// (data-protected with the cluster's key ring, so any node accepts it) for this link and address; then downloads each
/// file or all as a ZIP. Nothing about the link — not even whether it exists — is shown before the code.
/// </summary>
public sealed class DownloadServer(IOptions<DownloadOptions> options, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private const string SessionPurpose = "Miraie.SafeMail.Download.Session.v1";
    private WebApplication? _app;

    /// <summary>The addresses listening; empty when off or not started.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger<DownloadServer>();
        var (endpoints, _) = DownloadOptionsValidator.Listen(options.Value);
        if (endpoints.Count == 0)
        {
            logger.LogInformation("download page off ({Key} is empty)", DownloadOptions.SectionName + ":Urls");
            return;
        }

        var app = Build(endpoints, loggers);
        await InnerServer.StartAsync(app, DownloadOptions.SectionName + ":Urls", endpoints, cancellationToken).ConfigureAwait(false);
        _app = app;
        Addresses = [.. app.Urls.Select(u => new Uri(u))];
        services.GetRequiredService<DownloadAddress>().Bound = Addresses[0].GetLeftPart(UriPartial.Authority);
        logger.LogInformation("download page on {Urls}, links point at {Public}", string.Join(", ", app.Urls), services.GetRequiredService<DownloadAddress>().Base);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private WebApplication Build(IReadOnlyList<ObservabilityUrls.Endpoint> endpoints, ILoggerFactory loggers)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "safemail-download" });
        InnerServer.Listen(builder, endpoints, maxConnections: 1000, maxRequestBody: 16 * 1024);
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, HostOwnsTheSignals>();
        builder.Services.AddRouting();
        builder.Services.AddSingleton(services.GetRequiredService<IDataProtectionProvider>()); // the cluster's key ring: any node reads the cookies
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "safemail-dl-af";
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__af";
        });

        var proxies = options.Value.KnownProxies.Select(p => Core.Settings.ProxyNetworks.Parse(p)!.Value).ToList();
        builder.Services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear(); // the framework's default trusts loopback
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownIPNetworks.Add);
        });

        var app = builder.Build();
        if (proxies.Count > 0)
        {
            app.UseForwardedHeaders(); // none configured: the headers are never read
        }

        var linkService = services.GetRequiredService<LinkService>();
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(SessionPurpose).ToTimeLimitedDataProtector();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = loggers.CreateLogger<DownloadServer>();
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { } tags)
            {
                tags.MetricsDisabled = true;
            }

            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (AntiforgeryValidationException)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
            }
        });

        app.MapGet("/d/{id}", async (HttpContext context, string id) =>
        {
            var (link, pages) = await OpenAsync(context, id).ConfigureAwait(false);
            if (link is null)
            {
                return Gone(pages);
            }

            if (Session(context, protector, link) is not null)
            {
                return Results.Redirect($"/d/{id}/files");
            }

            await linkService.ViewedAsync(link, Client(context), context.RequestAborted).ConfigureAwait(false);
            return Html(pages.AskAddress(id));
        });
        app.MapPost("/d/{id}/code", async (HttpContext context, string id) =>
        {
            var (link, pages) = await OpenAsync(context, id).ConfigureAwait(false);
            var form = await ValidFormAsync(context).ConfigureAwait(false);
            if (link is null)
            {
                return Gone(pages);
            }

            var address = form["address"].ToString().Trim();
            if (address.Length is 0 or > 254 || !address.Contains('@', StringComparison.Ordinal))
            {
                return Html(pages.AskAddress(id, T(context, "メールアドレスを入力してください", "Enter an email address")));
            }

            var request = await linkService.RequestCodeAsync(link, address, Client(context), context.RequestAborted).ConfigureAwait(false);
            return request == CodeRequest.TooMany
                ? Html(pages.AskAddress(id, T(context, "確認コードの送信が多すぎます。1時間ほどしてからお試しください", "Too many codes were sent. Please try again in an hour")))
                : Html(pages.AskCode(id, address));
        });
        app.MapPost("/d/{id}/open", async (HttpContext context, string id) =>
        {
            var (link, pages) = await OpenAsync(context, id).ConfigureAwait(false);
            var form = await ValidFormAsync(context).ConfigureAwait(false);
            if (link is null)
            {
                return Gone(pages);
            }

            var address = form["address"].ToString().Trim();
            var check = await linkService.CheckCodeAsync(link, address, form["code"].ToString(), Client(context), context.RequestAborted).ConfigureAwait(false);
            switch (check)
            {
                case CodeCheck.Accepted:
                    var lifetime = linkService.Options.SessionLifetime;
                    var token = protector.Protect($"{link.Id}\n{address.ToLowerInvariant()}", lifetime);
                    context.Response.Cookies.Append(CookieName(link.Id), token, new CookieOptions
                    {
                        HttpOnly = true,
                        Secure = context.Request.IsHttps || linkService.UrlOf(link.Id).StartsWith("https:", StringComparison.Ordinal),
                        SameSite = SameSiteMode.Strict,
                        Path = $"/d/{link.Id}",
                        MaxAge = lifetime,
                    });
                    return Results.Redirect($"/d/{id}/files", permanent: false, preserveMethod: false);
                case CodeCheck.Wrong:
                    return Html(pages.AskCode(id, address, T(context, "確認コードが違います", "The code is not right")));
                default:
                    return Html(pages.AskAddress(id, T(context, "確認コードの有効期限が切れたか、入力回数が上限に達しました。もう一度コードを送ってください",
                        "The code expired or was tried too often. Please ask for a new code")));
            }
        });
        app.MapGet("/d/{id}/files", async (HttpContext context, string id) =>
        {
            var (link, pages) = await OpenAsync(context, id).ConfigureAwait(false);
            if (link is null)
            {
                return Gone(pages);
            }

            return Session(context, protector, link) is { } address
                ? Html(pages.Files(link, address, NoticeFormat.Date(link.ExpiresAt, NoticeFormat.DefaultZone)))
                : Results.Redirect($"/d/{id}");
        });
        app.MapGet("/d/{id}/files/{ordinal:int}", (HttpContext context, string id, int ordinal) => DownloadAsync(context, id, ordinal));
        app.MapGet("/d/{id}/all.zip", (HttpContext context, string id) => DownloadAsync(context, id, null));
        return app; // anything else: 404, from routing

        async Task<IResult> DownloadAsync(HttpContext context, string id, int? ordinal)
        {
            var (link, pages) = await OpenAsync(context, id).ConfigureAwait(false);
            if (link is null)
            {
                return Gone(pages);
            }

            if (Session(context, protector, link) is not { } address)
            {
                return Results.Redirect($"/d/{id}");
            }

            var file = ordinal is { } n ? link.Files.FirstOrDefault(f => f.Ordinal == n) : null;
            if (ordinal is not null && file is null)
            {
                return Results.NotFound();
            }

            return new StreamedFile(file?.Name ?? "files.zip", file?.ContentType ?? "application/zip", file?.Size,
                stream => linkService.DownloadAsync(link, ordinal, address, Client(context), stream, context.RequestAborted), logger);
        }

        async Task<(LinkRecord? Link, DownloadPages Pages)> OpenAsync(HttpContext context, string id)
        {
            var english = English(context);
            var tokens = app.Services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
            var pages = new DownloadPages(english, tokens.FormFieldName, tokens.RequestToken ?? "");
            var link = await linkService.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
            return (link is not null && link.IsLive(time.GetUtcNow()) ? link : null, pages);
        }

        async Task<IFormCollection> ValidFormAsync(HttpContext context)
        {
            await app.Services.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
            return await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static IResult Gone(DownloadPages pages) => Results.Content(pages.Gone(), "text/html; charset=utf-8", null, StatusCodes.Status410Gone);

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static string CookieName(string id) => "safemail-dl-" + id;

    /// <summary>The proven address of this link's session cookie, or null (none, expired, tampered, another link's).</summary>
    private static string? Session(HttpContext context, ITimeLimitedDataProtector protector, LinkRecord link)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName(link.Id), out var token))
        {
            return null;
        }

        try
        {
            var parts = protector.Unprotect(token).Split('\n');
            return parts.Length == 2 && parts[0] == link.Id && link.Recipients.Contains(parts[1], StringComparer.Ordinal) ? parts[1] : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>English when asked (<c>?lang=en</c>, remembered in a cookie) or when the browser prefers English to Japanese; Japanese otherwise.</summary>
    private static bool English(HttpContext context)
    {
        if (context.Request.Query["lang"].ToString() is "ja" or "en")
        {
            var chosen = context.Request.Query["lang"].ToString();
            context.Response.Cookies.Append("safemail-dl-lang", chosen, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) });
            return chosen == "en";
        }

        if (context.Request.Cookies.TryGetValue("safemail-dl-lang", out var remembered))
        {
            return remembered == "en";
        }

        var accept = context.Request.Headers.AcceptLanguage.ToString();
        return accept.Length > 0 && !accept.TrimStart().StartsWith("ja", StringComparison.OrdinalIgnoreCase)
            && !accept.Contains("ja", StringComparison.OrdinalIgnoreCase);
    }

    private static string T(HttpContext context, string ja, string en) => English(context) ? en : ja;

    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "?";
}
