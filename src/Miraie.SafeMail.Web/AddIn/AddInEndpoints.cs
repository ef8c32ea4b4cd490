using System.Text;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Miraie.SafeMail.Gateway.Processing;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// What Outlook needs from the console's host for the add-in: the send handler with this server's address written in,
/// the policy the handler decides with, the list classic Outlook checks before it lets the handler call out, and CORS
/// for Outlook's origins (classic Outlook once sends its Origin with a trailing slash: origins are compared without it).
/// </summary>
public static class AddInEndpoints
{
    /// <summary>The CORS policy name.</summary>
    public const string Cors = "outlook";

    private const string HandlerPath = "/addin/send-handler.js";
    private const string Placeholder = "__SAFEMAIL_BASE__";

    /// <summary>Registers the CORS policy.</summary>
    public static IServiceCollection AddSafeMailAddIn(this IServiceCollection services, AddInOptions options)
    {
        services.AddSingleton(options);
        var allowed = options.AllowedOrigins.Append(options.PublicUrl ?? "").Select(Origin).Where(o => o.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        services.AddCors(c => c.AddPolicy(Cors, new CorsPolicyBuilder()
            .SetIsOriginAllowed(origin => allowed.Contains(Origin(origin)))
            .WithMethods("GET", "POST")
            .WithHeaders("Content-Type", "Authorization")
            .Build()));
        return services;
    }

    /// <summary>Serves the handler (before static files) and maps the API.</summary>
    public static WebApplication UseSafeMailAddIn(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != HandlerPath)
            {
                await next(context);
                return;
            }

            var file = app.Environment.WebRootFileProvider.GetFileInfo(HandlerPath);
            using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
            var script = (await reader.ReadToEndAsync(context.RequestAborted)).Replace(Placeholder, BaseOf(context, options), StringComparison.Ordinal);
            context.Response.ContentType = "text/javascript; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync(script, context.RequestAborted);
        });
        return app;
    }

    /// <summary>Maps the endpoints (after routing).</summary>
    public static void MapSafeMailAddIn(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();
        // Read by classic Outlook on Windows before an event handler may call this origin.
        app.MapGet("/.well-known/microsoft-officeaddins-allowed.json", (HttpContext context) =>
                Results.Json(new { allowed = new[] { BaseOf(context, options) } }))
            .AllowAnonymous();

        // What the send handler decides with. Public on purpose: the handler runs before any sign-in can happen (the event
        // runtime cannot ask for a token), and the internal domains are not a secret — every mail names them.
        app.MapGet("/api/addin/policy", (PolicyProvider policy) => Results.Json(new
            {
                internalDomains = policy.Current.Options.InternalDomains,
                confirm = options.Confirm,
                offline = options.Offline,
                zipCryptoDomains = options.ZipCryptoDomains,
            }))
            .AllowAnonymous()
            .RequireCors(Cors);
    }

    /// <summary>The origin without a trailing slash, lower case.</summary>
    public static string Origin(string origin) => origin.Trim().TrimEnd('/').ToLowerInvariant();

    private static string BaseOf(HttpContext context, AddInOptions options) =>
        options.PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{context.Request.Scheme}://{context.Request.Host}";
}
