using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A small Microsoft Graph on 127.0.0.1 (Kestrel, port 0): records every request to <c>/v1.0/users/{id}/sendMail</c>
/// and answers from a script (status, Retry-After, OData error body), 202 once the script is used up.
/// </summary>
internal sealed class FakeGraphServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, string? ErrorCode)> _script = new();

    private FakeGraphServer(WebApplication app) => _app = app;

    public ConcurrentQueue<GraphRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>The next answers, in order.</summary>
    public void Then(int status, string? retryAfter = null, string? errorCode = null) => _script.Enqueue((status, retryAfter, errorCode));

    public static async Task<FakeGraphServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeGraphServer(app);
        app.MapPost("/v1.0/users/{user}/sendMail", async (HttpContext context, string user) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            server.Requests.Enqueue(new GraphRequest(Uri.UnescapeDataString(user), context.Request.Headers.Authorization.ToString(), body.RootElement.Clone()));
            if (!server._script.TryDequeue(out var answer))
            {
                return Results.StatusCode(StatusCodes.Status202Accepted);
            }

            if (answer.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = answer.RetryAfter;
            }

            return answer.Status == StatusCodes.Status202Accepted
                ? Results.StatusCode(answer.Status)
                : Results.Json(new { error = new { code = answer.ErrorCode ?? "ErrorInternalServerError", message = "fake Graph says " + answer.Status } },
                    statusCode: answer.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1.0";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One sendMail request as Graph received it.</summary>
internal sealed record GraphRequest(string User, string Authorization, JsonElement Body);

/// <summary>A token credential that hands out a fixed token (Azure.Identity's own sign-in needs Entra ID).</summary>
internal sealed class StaticTokenCredential(string token) : TokenCredential
{
    public ConcurrentQueue<string[]> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Scopes.Enqueue(requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
