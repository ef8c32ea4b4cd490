using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Core;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A small Microsoft Graph on 127.0.0.1 (HttpListener on a free port): records every request to
/// <c>/v1.0/users/{id}/sendMail</c> and answers from a script (status, Retry-After, OData error body), 202 once the
/// script is used up; and answers <c>GET /v1.0/users/{id}/manager</c> from <see cref="Managers"/> (404 for a user
/// without one), after <see cref="ManagerDelay"/>. (Not Kestrel: the test project must not pull in ASP.NET Core, whose presence would strip
/// assemblies the separately started gateway process needs from this output folder.)
/// </summary>
internal sealed class FakeGraphServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, string? ErrorCode)> _script = new();

    private FakeGraphServer(HttpListener listener, string baseUrl)
    {
        _listener = listener;
        BaseUrl = baseUrl;
        _loop = Task.Run(ServeAsync);
    }

    public ConcurrentQueue<GraphRequest> Requests { get; } = new();

    /// <summary>Each user's manager's address, by the id asked for (as sent, unescaped); a user not here has no manager (404).</summary>
    public ConcurrentDictionary<string, string> Managers { get; } = new(StringComparer.Ordinal);

    /// <summary>How long a manager lookup takes to answer.</summary>
    public TimeSpan ManagerDelay { get; set; }

    /// <summary>The manager lookups received: the user id, the query string, the Authorization header.</summary>
    public ConcurrentQueue<(string User, string Query, string Authorization)> ManagerRequests { get; } = new();

    public string BaseUrl { get; }

    /// <summary>The next answers, in order.</summary>
    public void Then(int status, string? retryAfter = null, string? errorCode = null) => _script.Enqueue((status, retryAfter, errorCode));

    public static Task<FakeGraphServer> StartAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            // A free port from the kernel, then HttpListener on it (it cannot listen on port 0); another test may take it in between: try again.
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                var listener = new HttpListener();
                listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                try
                {
                    listener.Start();
                    return Task.FromResult(new FakeGraphServer(listener, $"http://127.0.0.1:{port}/v1.0"));
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                    listener.Close();
                }
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            var response = context.Response;
            const string prefix = "/v1.0/users/";
            if (context.Request.HttpMethod == "GET" && path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith("/manager", StringComparison.Ordinal))
            {
                _ = AnswerManagerAsync(context, Uri.UnescapeDataString(path[prefix.Length..^"/manager".Length])); // apart: a slow answer holds up no other request
                continue;
            }

            if (context.Request.HttpMethod != "POST" || !path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith("/sendMail", StringComparison.Ordinal))
            {
                response.StatusCode = 404;
                response.Close();
                continue;
            }

            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                var user = Uri.UnescapeDataString(path[prefix.Length..^"/sendMail".Length]);
                Requests.Enqueue(new GraphRequest(user, context.Request.Headers["Authorization"] ?? "", body.RootElement.Clone()));
            }

            if (!_script.TryDequeue(out var answer))
            {
                answer = (202, null, null);
            }

            response.StatusCode = answer.Status;
            if (answer.RetryAfter is not null)
            {
                response.AddHeader("Retry-After", answer.RetryAfter);
            }

            if (answer.Status != 202)
            {
                var error = JsonSerializer.SerializeToUtf8Bytes(new { error = new { code = answer.ErrorCode ?? "ErrorInternalServerError", message = "fake Graph says " + answer.Status } });
                response.ContentType = "application/json";
                await response.OutputStream.WriteAsync(error);
            }

            response.Close();
        }
    }

    private async Task AnswerManagerAsync(HttpListenerContext context, string user)
    {
        try
        {
            ManagerRequests.Enqueue((user, Uri.UnescapeDataString(context.Request.Url!.Query), context.Request.Headers["Authorization"] ?? ""));
            await Task.Delay(ManagerDelay);
            var response = context.Response;
            response.ContentType = "application/json";
            byte[] body;
            if (Managers.TryGetValue(user, out var manager))
            {
                response.StatusCode = 200;
                body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
                {
                    ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects(mail,userPrincipalName)/$entity",
                    ["@odata.type"] = "#microsoft.graph.user",
                    ["mail"] = manager,
                    ["userPrincipalName"] = manager,
                });
            }
            else
            {
                response.StatusCode = 404;
                body = JsonSerializer.SerializeToUtf8Bytes(new { error = new { code = "Request_ResourceNotFound", message = "Resource 'manager' does not exist or one of its queried reference-property objects are not present." } });
            }

            await response.OutputStream.WriteAsync(body);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // the listener stopped while this answer waited
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
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
