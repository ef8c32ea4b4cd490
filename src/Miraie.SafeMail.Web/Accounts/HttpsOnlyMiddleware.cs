namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// With <c>SecureCookie</c> the console answers HTTPS requests only. A plain HTTP request — typically a TLS reverse proxy
/// whose <c>X-Forwarded-Proto</c> is not believed because its address is missing from <c>KnownProxies</c> — gets a page
/// naming both keys, instead of the 500 that antiforgery's secure cookie would otherwise throw on every form.
/// </summary>
public sealed class HttpsOnlyMiddleware(RequestDelegate next, ILogger<HttpsOnlyMiddleware> logger)
{
    private int _logged;

    /// <summary>Passes HTTPS requests on; answers the others with 400 and the explanation.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            await next(context);
            return;
        }

        if (Interlocked.Exchange(ref _logged, 1) == 0)
        {
            logger.LogWarning("SafeMail:Console:SecureCookie is true but a request from {Client} came over plain HTTP: it was refused. Behind a TLS reverse proxy, " +
                              "list the proxy's address in SafeMail:Console:KnownProxies (logged once)", context.Connection.RemoteIpAddress);
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(
            "このコンソールは HTTPS でだけ応答します（SafeMail:Console:SecureCookie が true）が、この要求は HTTP で届きました。\n" +
            "TLS リバース プロキシの後ろで動かしている場合は、プロキシのアドレスを SafeMail:Console:KnownProxies に設定してください" +
            "（そのプロキシの X-Forwarded-Proto だけを信用します）。\n\n" +
            "This console answers HTTPS requests only (SafeMail:Console:SecureCookie is true), and this request came over plain HTTP.\n" +
            "Behind a TLS reverse proxy, list the proxy's address in SafeMail:Console:KnownProxies (only its X-Forwarded-Proto is believed).\n",
            context.RequestAborted);
    }
}
