using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.AddIn;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>
/// A stand-in for Entra ID on 127.0.0.1 (port 0): the OpenID Connect metadata document and the signing keys (JWKS) of a
/// locally made RSA key, served over plain HTTP, and access tokens signed with that key shaped like Entra ID's v2.0 ones
/// for the add-in (aud, iss, tid, scp, preferred_username). For the console's sign-in it also serves the authorization
/// endpoint (straight back to the redirect URI with a code and the state it was given) and the token endpoint (checks
/// the client secret and PKCE, answers an ID token with the nonce it was given, for the user set by
/// <see cref="WillSignIn"/>). The host's settings keep the real Instance; only where the metadata is fetched from is
/// redirected, by <see cref="RedirectMetadata"/> and <see cref="RedirectConsoleMetadata"/> (test services, never a setting).
/// </summary>
internal sealed class FakeEntraId : IAsyncDisposable
{
    public const string TenantId = "6c3ea9f0-2f4b-4f8e-9d2a-0e7b6d1c4a51";
    public const string OtherTenantId = "0b1d7e3a-5c9f-4a2e-8f61-93d4c2b7e8a0";
    public const string ClientId = "3f2a8b71-94c6-4d05-b1e8-7a6c5d2e9f10";
    public const string Instance = "https://login.microsoftonline.com/";
    public const string ConsoleClientId = "8d4e2c19-6a7b-4f30-9e15-c2b8a7d6e5f4";
    public const string ConsoleClientSecret = "test-secret-not-real";

    private readonly ConcurrentDictionary<string, (string Nonce, string? Challenge, string? RedirectUri, SignIn User)> _codes = new();
    private SignIn _next = new("sato@example.co.jp", [], null, null);

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private FakeEntraId(WebApplication app) => _app = app;

    /// <summary>The metadata document's address, shaped like Entra ID's (tenant/v2.0/.well-known/openid-configuration).</summary>
    public string MetadataAddress { get; private set; } = "";

    /// <summary>How many times the keys were fetched (the host must fetch them, not trust anything local).</summary>
    public int KeyFetches { get; private set; }

    /// <summary>Settings for a host that accepts this tenant's tokens for the add-in's registration.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["SafeMail:AddIn:EntraId:TenantId"] = TenantId,
        ["SafeMail:AddIn:EntraId:ClientId"] = ClientId,
    };

    /// <summary>Settings for a console that signs in this tenant's users with Entra ID (the secret as the environment would give it).</summary>
    public static Dictionary<string, string?> ConsoleSettings() => new()
    {
        ["SafeMail:Console:EntraId:TenantId"] = TenantId,
        ["SafeMail:Console:EntraId:ClientId"] = ConsoleClientId,
        ["SafeMail:Console:EntraId:ClientSecret"] = ConsoleClientSecret,
    };

    /// <summary>How many codes the token endpoint redeemed.</summary>
    public int Redeemed { get; private set; }

    /// <summary>Who the next sign-in is: the ID token's user and app roles; <paramref name="change"/> spoils its claims.</summary>
    public void WillSignIn(string user, string[] roles, Action<Dictionary<string, object>>? change = null, RSA? signingKey = null) =>
        _next = new SignIn(user, roles, change, signingKey);

    public static async Task<FakeEntraId> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeEntraId(app);
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (HttpContext context, string tenant) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = $"{Instance}{tenant}/v2.0",
            // Where the browser goes: Entra ID's own address (so the console's form-action policy is the real one); tests bring
            // the request here with AnswerAuthorizationAsync. The token endpoint is called by the server: this fake.
            ["authorization_endpoint"] = $"{Instance}{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"http://{context.Request.Host}/{tenant}/oauth2/v2.0/token",
            ["jwks_uri"] = $"http://{context.Request.Host}/{tenant}/discovery/v2.0/keys",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "code", "id_token" },
            ["subject_types_supported"] = new[] { "pairwise" },
        }));
        app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
        {
            fake.KeyFetches++;
            var p = fake._key.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[] { new { kty = "RSA", use = "sig", kid = fake._keyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } },
            });
        });
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpContext context) => fake.Authorize(context.Request.Query));
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpRequest request) => fake.Redeem(await request.ReadFormAsync()));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.MetadataAddress = $"{address.TrimEnd('/')}/{TenantId}/v2.0/.well-known/openid-configuration";
        return fake;
    }

    /// <summary>
    /// The test hook: the host's "AddIn" scheme fetches the metadata from this fake over HTTP. Configured after
    /// Identity Web's own configuration and before JwtBearer builds its configuration manager from it.
    /// </summary>
    public void RedirectMetadata(IServiceCollection services) => services.Configure<JwtBearerOptions>(AddInAuthentication.Scheme, o =>
    {
        o.MetadataAddress = MetadataAddress;
        o.RequireHttpsMetadata = false;
    });

    /// <summary>
    /// The test hook for the console: its OpenID Connect scheme fetches the metadata from this fake over HTTP (and so uses
    /// the fake's authorization and token endpoints).
    /// </summary>
    public void RedirectConsoleMetadata(IServiceCollection services) => services.Configure<OpenIdConnectOptions>(EntraSignIn.Scheme, o =>
    {
        o.MetadataAddress = MetadataAddress;
        o.RequireHttpsMetadata = false;
    });

    /// <summary>
    /// What Entra ID answers the browser's authorization request (addressed to the real Instance) with: the redirect back to
    /// the console's callback, with the code and the state.
    /// </summary>
    public async Task<Uri> AnswerAuthorizationAsync(Uri authorize)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var answer = await client.GetAsync(new Uri(new Uri(MetadataAddress), authorize.PathAndQuery));
        answer.StatusCode.Should().Be(HttpStatusCode.Redirect, "the fake answers with the code");
        return answer.Headers.Location!;
    }

    /// <summary>
    /// Signs <paramref name="browser"/> in to the console with "Sign in with Microsoft" as the user set by <see cref="WillSignIn"/>,
    /// following the redirects by hand; the console's answer to the callback.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string returnUrl = "/", string redirectUri = "http://localhost/signin-oidc")
    {
        using var challenge = await ConsoleHost.PostFormAsync(browser, "/login?handler=Entra", new() { ["returnUrl"] = returnUrl });
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect, "the console sends the browser to Entra ID");
        var authorize = challenge.Headers.Location!;
        authorize.GetLeftPart(UriPartial.Path).Should().Be($"{Instance}{TenantId}/oauth2/v2.0/authorize");
        authorize.Query.Should().NotContain("response_mode=").And.Contain("code_challenge=").And.Contain("nonce=");
        var callback = await AnswerAuthorizationAsync(authorize);
        callback.GetLeftPart(UriPartial.Path).Should().Be(redirectUri);
        return await browser.GetAsync(callback.PathAndQuery);
    }

    // The user has signed in at Microsoft: back to the redirect URI with a one-time code and the state in the query, as
    // Entra ID does for response_type=code when no response_mode is given.
    private IResult Authorize(IQueryCollection query)
    {
        if (query["client_id"] != ConsoleClientId || query["response_type"] != "code" || query["response_mode"].Count > 0
            || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["nonce"]))
        {
            return Results.BadRequest("unexpected authorization request");
        }

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _codes[code] = (query["nonce"]!, query["code_challenge"], query["redirect_uri"], _next);
        return Results.Redirect($"{query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(query["state"]!)}");
    }

    // Redeems a code once, with the client secret and the PKCE verifier, for an ID token carrying the nonce.
    private IResult Redeem(IFormCollection form)
    {
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ConsoleClientId || form["client_secret"] != ConsoleClientSecret
            || !_codes.TryRemove(form["code"].ToString(), out var issued) || form["redirect_uri"] != issued.RedirectUri
            || Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != issued.Challenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        Redeemed++;
        var user = issued.User;
        var idToken = Token(user.Name, claims =>
        {
            claims.Remove("scp");
            claims["aud"] = ConsoleClientId;
            claims["sub"] = "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ";
            claims["nonce"] = issued.Nonce;
            if (user.Roles.Length > 0)
            {
                claims["roles"] = user.Roles;
            }

            user.Change?.Invoke(claims);
        }, user.SigningKey);
        return Results.Json(new { token_type = "Bearer", scope = "openid profile", expires_in = 3600, access_token = "not-used", id_token = idToken });
    }

    /// <summary>An access token as Entra ID would issue it to the add-in through NAA; <paramref name="change"/> spoils it.</summary>
    public string Token(string user = "tanaka@example.co.jp", Action<Dictionary<string, object>>? change = null, RSA? signingKey = null,
        DateTime? expires = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = $"{Instance}{TenantId}/v2.0",
            ["aud"] = ClientId,
            ["tid"] = TenantId,
            ["scp"] = "access_as_user",
            ["preferred_username"] = user,
            ["name"] = "田中 太郎",
            ["oid"] = "9a1f3c5e-7b2d-4e6f-8a0c-1d3e5f7a9b2c",
            ["ver"] = "2.0",
        };
        change?.Invoke(claims);
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-1),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signingKey ?? _key) { KeyId = _keyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private sealed record SignIn(string Name, string[] Roles, Action<Dictionary<string, object>>? Change, RSA? SigningKey);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
