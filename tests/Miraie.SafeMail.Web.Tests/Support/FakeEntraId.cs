using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Miraie.SafeMail.Web.AddIn;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>
/// A stand-in for Entra ID on 127.0.0.1 (port 0): the OpenID Connect metadata document and the signing keys (JWKS) of a
/// locally made RSA key, served over plain HTTP, and access tokens signed with that key shaped like Entra ID's v2.0 ones
/// for the add-in (aud, iss, tid, scp, preferred_username). The host's settings keep the real Instance; only where the
/// metadata is fetched from is redirected, by <see cref="RedirectMetadata"/> (a test service, never a setting).
/// </summary>
internal sealed class FakeEntraId : IAsyncDisposable
{
    public const string TenantId = "6c3ea9f0-2f4b-4f8e-9d2a-0e7b6d1c4a51";
    public const string OtherTenantId = "0b1d7e3a-5c9f-4a2e-8f61-93d4c2b7e8a0";
    public const string ClientId = "3f2a8b71-94c6-4d05-b1e8-7a6c5d2e9f10";
    public const string Instance = "https://login.microsoftonline.com/";

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
            ["authorization_endpoint"] = $"{Instance}{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{Instance}{tenant}/oauth2/v2.0/token",
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

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
