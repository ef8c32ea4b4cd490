using System.Text;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Gateway.Passwords;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Passwords;
using Miraie.SafeMail.Web.Localization;

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
    private const string ManifestBase = "https://safemail.example.co.jp";

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

            if (BaseOf(context, options) is not { } address)
            {
                await NoPublicUrl().ExecuteAsync(context);
                return;
            }

            var file = app.Environment.WebRootFileProvider.GetFileInfo(HandlerPath);
            using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
            var script = (await reader.ReadToEndAsync(context.RequestAborted)).Replace(Placeholder, address, StringComparison.Ordinal);
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
                BaseOf(context, options) is { } address ? Results.Json(new { allowed = new[] { address } }) : NoPublicUrl())
            .AllowAnonymous();

        // The production manifest for this deployment: the one base URL replaced by this server's public HTTPS address.
        app.MapGet("/addin/manifest.xml", (HttpContext context) =>
            {
                var address = BaseOf(context, options);
                if (address is null || !address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: Lang.T(
                        "Outlook は HTTPS のアドレスしか読み込みません。SafeMail:AddIn:PublicUrl に https:// のアドレスを設定してください。",
                        "Outlook only loads HTTPS addresses: set SafeMail:AddIn:PublicUrl to an https:// address."));
                }

                using var stream = typeof(AddInEndpoints).Assembly.GetManifestResourceStream("manifest.xml")!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var xml = reader.ReadToEnd().Replace(ManifestBase, address, StringComparison.Ordinal);
                return Results.Text(xml, "application/xml", Encoding.UTF8);
            })
            .AllowAnonymous();

        // What the send handler decides with. Public on purpose: the handler runs before any sign-in can happen (the event
        // runtime cannot ask for a token), and the internal domains are not a secret — every mail names them.
        app.MapGet("/api/addin/policy", (PolicyProvider policy, IOptionsMonitor<PasswordDeliveryOptions> passwords) => Results.Json(new
            {
                internalDomains = policy.Current.Options.InternalDomains,
                confirm = options.Confirm,
                offline = options.Offline,
                zipCryptoDomains = options.ZipCryptoDomains,
                passwordDelivery = passwords.CurrentValue.Mode,
                fileDelivery = new
                {
                    @default = policy.Current.Options.FileDelivery.Default.ToString().ToLowerInvariant(),
                    domains = policy.Current.Options.FileDelivery.Domains.Select(d => new { domain = d.Domain, mode = d.Mode.ToString().ToLowerInvariant() }),
                },
            }))
            .AllowAnonymous()
            .RequireCors(Cors);

        // The pane records what the sender confirmed and gets the signed stamp header to set with internetHeaders. The
        // sender is the caller, never a field of the request: nobody can have a stamp signed for someone else.
        app.MapPost("/api/addin/confirmations", async (HttpContext context, ConfirmationRequest request, ConfirmationSigner signer,
                PolicyProvider policy, SafeMailDatabase database, TimeProvider time) =>
            {
                var (sender, problem) = AddInCaller.Identify(context, options);
                if (problem is not null)
                {
                    return problem;
                }

                var recipients = request.Recipients.Select(r => r.Trim()).Where(r => r.Length > 0).ToList();
                if (recipients.Count == 0 || recipients.Count > 500 || recipients.Any(r => r.Length > 254 || !r.Contains('@', StringComparison.Ordinal))
                    || request.Attachments.Count > 100 || request.Attachments.Any(a => !IsSha256(a.Sha256)))
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                        title: Lang.T("宛先（1〜500件）と添付ファイルの SHA-256（16進64文字）を指定してください", "Give 1–500 recipients and each attachment's SHA-256 (64 hex digits)"));
                }

                string stamp;
                try
                {
                    stamp = signer.Sign(sender!, recipients, request.Attachments.Select(a => a.Sha256.ToLowerInvariant()));
                }
                catch (InvalidOperationException)
                {
                    return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                        title: Lang.T("確認スタンプの署名鍵が設定されていません（SafeMail:Confirmation:CurrentKeyId）", "No signing key is configured (SafeMail:Confirmation:CurrentKeyId)"));
                }

                var external = recipients.Count(r => !policy.Current.IsInternal(r));
                await using (var connection = await database.OpenAsync(context.RequestAborted))
                {
                    await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), "addin:" + sender, AuditActions.Confirmation, null,
                        $"recipients={recipients.Count} external={external} attachments={string.Join(", ", request.Attachments.Select(a => a.Name))}",
                        context.RequestAborted);
                }

                return Results.Json(new { header = MessageInspector.ConfirmationHeader, value = stamp });
            })
            .AllowAnonymous() // identified by AddInCaller, not by the console's cookie
            .DisableAntiforgery()
            .RequireCors(Cors);
    }

    /// <summary>Maps the archive endpoints: protect, and the password for the pane's "send it myself" mode.</summary>
    public static void MapSafeMailArchives(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();
        app.MapPost("/api/addin/protect", ProtectEndpoint.HandleAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireCors(Cors)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(ProtectEndpoint.MaxTotalBytes + (2 * 1024 * 1024)));
        app.MapGet("/api/addin/passwords/{id}", async (HttpContext context, string id, ArchivePasswords passwords) =>
            {
                var (sender, problem) = AddInCaller.Identify(context, options);
                if (problem is not null)
                {
                    return problem;
                }

                var password = await passwords.ReadAsync(id, sender!, context.RequestAborted);
                return password is null
                    ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: Lang.T("その書庫のパスワードはありません", "No password for that archive"))
                    : Results.Json(new { id, password });
            })
            .AllowAnonymous()
            .RequireCors(Cors);
    }

    private static bool IsSha256(string? hex) => hex is { Length: 64 } && hex.All(char.IsAsciiHexDigit);

    /// <summary>The origin without a trailing slash, lower case.</summary>
    public static string Origin(string origin) => origin.Trim().TrimEnd('/').ToLowerInvariant();

    // This server's address as Outlook must call it: PublicUrl when set. Otherwise only for a client on this machine that
    // named this machine (a developer at http://127.0.0.1:5080): the Host header is the client's to write, and a forged one
    // (Host: evil.example) must never end up in the handler Outlook runs or in the list of origins it may call.
    private static string? BaseOf(HttpContext context, AddInOptions options)
    {
        if (options.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var client = context.Connection.RemoteIpAddress;
        var host = context.Request.Host.Host;
        var loopbackHost = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                           || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
        return (client is null || System.Net.IPAddress.IsLoopback(client)) && loopbackHost ? $"{context.Request.Scheme}://{context.Request.Host}" : null;
    }

    private static IResult NoPublicUrl() => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: Lang.T(
        "このサーバーの公開アドレスが設定されていません。SafeMail:AddIn:PublicUrl に https:// のアドレスを設定してください（このコンピューターからの要求にだけは 127.0.0.1 などのアドレスで応答します）。",
        "This server's public address is not configured: set SafeMail:AddIn:PublicUrl to its https:// address (only requests from this machine are answered with a loopback address)."));
}
