using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>
/// Production sign-in of the add-in API: Entra ID access tokens, checked against a fake Entra ID on 127.0.0.1 (metadata
/// and keys of a local RSA key). The sender is the token's user and nobody else; every spoilt token is refused.
/// </summary>
[NonParallelizable]
public class EntraIdTokenTests
{
    private const string Recipient = "buyer@customer.example.com";
    private static readonly string AttachmentHash = Convert.ToHexStringLower(SHA256.HashData("見積書"u8));

    private FakeEntraId _entra = null!;
    private ConsoleHost _host = null!;
    private readonly LogCollector _logs = new();

    internal static Dictionary<string, string?> Keys() => new()
    {
        ["SafeMail:Confirmation:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["SafeMail:Confirmation:CurrentKeyId"] = "k1",
    };

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _entra = await FakeEntraId.StartAsync();
        var settings = FakeEntraId.Settings();
        foreach (var (key, value) in Keys())
        {
            settings[key] = value;
        }

        _host = await ConsoleHost.StartAsync(settings, testServices: services =>
        {
            _entra.RedirectMetadata(services);
            services.AddSingleton<ILoggerProvider>(_logs);
            services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(LogCollector).FullName, null, LogLevel.Trace, null)));
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _host.Dispose();
        await _entra.DisposeAsync();
    }

    private static object Body(object? extra = null) => new
    {
        recipients = new[] { Recipient },
        attachments = new[] { new { name = "見積書.pdf", sha256 = AttachmentHash } },
        sender = "boss@example.co.jp", // not a field the API reads: the sender is the token's user
        extra,
    };

    private async Task<HttpResponseMessage> ConfirmAsync(string? token, string? devUser = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations") { Content = JsonContent.Create(Body()) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (devUser is not null)
        {
            request.Headers.Add("X-SafeMail-Dev-User", devUser);
        }

        return await _host.Client().SendAsync(request);
    }

    [Test]
    public async Task A_valid_token_gets_a_stamp_signed_for_the_tokens_user_and_for_nobody_named_elsewhere_in_the_request()
    {
        using var response = await ConfirmAsync(_entra.Token("tanaka@example.co.jp"), devUser: "boss@example.co.jp");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.Contains("X-SafeMail-Mode").Should().BeFalse("this is not development mode");
        var stamp = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("value").GetString();

        var signer = _host.Services.GetRequiredService<ConfirmationSigner>();
        signer.Verify(stamp, "tanaka@example.co.jp", [Recipient], [AttachmentHash]).Should().Be(ConfirmationStatus.Valid);
        signer.Verify(stamp, "boss@example.co.jp", [Recipient], [AttachmentHash]).Should().Be(ConfirmationStatus.SenderMismatch,
            "neither the dev header nor a body field names the sender");
        _entra.KeyFetches.Should().BePositive("the signing keys come from the metadata's jwks_uri");

        await using var connection = await _host.Database.OpenAsync();
        var (audit, _) = await Miraie.SafeMail.Web.Audit.AuditQuery.PageAsync(connection, new() { Action = "confirmation" }, CancellationToken.None);
        audit.Select(a => a.Actor).Should().Contain("addin:tanaka@example.co.jp").And.NotContain("addin:boss@example.co.jp");
    }

    [Test]
    public async Task No_token_is_401_with_a_bearer_challenge_and_the_development_header_counts_for_nothing()
    {
        foreach (var devUser in new[] { null, "tanaka@example.co.jp" })
        {
            using var response = await ConfirmAsync(null, devUser);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.Single().Scheme.Should().Be("Bearer");
            response.Headers.Contains("X-SafeMail-Mode").Should().BeFalse();
        }
    }

    private static IEnumerable<TestCaseData> SpoiltTokens()
    {
        yield return new TestCaseData("expired", "The token expired").SetName("An_expired_token_is_401");
        yield return new TestCaseData("audience", "The audience is invalid").SetName("A_token_for_another_app_is_401");
        yield return new TestCaseData("issuer", "The issuer is invalid").SetName("A_token_from_another_issuer_is_401");
        yield return new TestCaseData("tenant", "The issuer is invalid").SetName("A_token_from_another_tenant_is_401");
        yield return new TestCaseData("key", "The signature is invalid").SetName("A_token_signed_with_another_key_is_401");
        yield return new TestCaseData("unsigned", "The signature is invalid").SetName("An_unsigned_token_is_401");
    }

    [TestCaseSource(nameof(SpoiltTokens))]
    public async Task Spoilt_tokens_are_refused(string spoil, string description)
    {
        using var otherKey = RSA.Create(2048);
        var token = spoil switch
        {
            "expired" => _entra.Token(expires: DateTime.UtcNow.AddMinutes(-30)), // beyond the 5-minute clock skew
            "audience" => _entra.Token(change: c => c["aud"] = "api://9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d"),
            "issuer" => _entra.Token(change: c => c["iss"] = $"https://evil.example/{FakeEntraId.TenantId}/v2.0"),
            "tenant" => _entra.Token(change: c =>
            {
                c["tid"] = FakeEntraId.OtherTenantId;
                c["iss"] = $"{FakeEntraId.Instance}{FakeEntraId.OtherTenantId}/v2.0";
            }),
            "key" => _entra.Token(signingKey: otherKey),
            "unsigned" => string.Join('.', _entra.Token().Split('.')[..2]) + ".",
            _ => throw new ArgumentOutOfRangeException(nameof(spoil)),
        };

        using var response = await ConfirmAsync(token);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, await response.Content.ReadAsStringAsync());
        var challenge = response.Headers.WwwAuthenticate.Single();
        challenge.Scheme.Should().Be("Bearer");
        challenge.Parameter.Should().Contain("error=\"invalid_token\"").And.Contain(description);
    }

    [Test]
    public async Task No_token_is_ever_logged_accepted_or_refused()
    {
        var tokens = new[]
        {
            _entra.Token("logged@example.co.jp"),
            _entra.Token(expires: DateTime.UtcNow.AddHours(-2)),
            _entra.Token(change: c => c["aud"] = "api://someone-else"),
            _entra.Token(change: c => c["scp"] = "User.Read"),
        };
        foreach (var token in tokens)
        {
            using var response = await ConfirmAsync(token);
        }

        _logs.Entries.Should().Contain(e => e.Category.StartsWith("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal),
            "the refusals are logged (at debug or information), so the check below looks at real lines");
        _logs.Entries.Should().Contain(e => e.Level == LogLevel.Information && e.Text.StartsWith("add-in token refused (SecurityTokenExpiredException) from", StringComparison.Ordinal),
            "each refusal is one short line saying why, at information level (an expired token is routine, not an error)");
        var written = _logs.Entries.Select(e => e.Text).Concat(_logs.Exceptions).ToList();
        foreach (var part in tokens.SelectMany(t => t.Split('.')).Where(p => p.Length > 0))
        {
            written.Should().NotContain(line => line.Contains(part, StringComparison.Ordinal), "no part of a token is written to the log");
        }

        written.Should().NotContain(line => line.Contains("logged@example.co.jp", StringComparison.Ordinal) && line.Contains("eyJ", StringComparison.Ordinal));
    }

    [Test]
    public async Task Unreachable_signing_keys_are_503_not_the_senders_fault()
    {
        var gone = await FakeEntraId.StartAsync();
        var metadata = gone.MetadataAddress;
        await gone.DisposeAsync(); // nothing listens there any more
        var settings = FakeEntraId.Settings();
        foreach (var (key, value) in Keys())
        {
            settings[key] = value;
        }

        using var host = await ConsoleHost.StartAsync(settings, testServices: services => services.Configure<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>(
            Miraie.SafeMail.Web.AddIn.AddInAuthentication.Scheme, o =>
            {
                o.MetadataAddress = metadata;
                o.RequireHttpsMetadata = false;
            }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations") { Content = JsonContent.Create(Body()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _entra.Token());
        using var response = await host.Client().SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_pane_is_told_how_to_get_a_token()
    {
        var signIn = JsonDocument.Parse(await _host.Client().GetStringAsync("/api/addin/sign-in")).RootElement;
        signIn.GetProperty("mode").GetString().Should().Be("entra");
        signIn.GetProperty("clientId").GetString().Should().Be(FakeEntraId.ClientId);
        signIn.GetProperty("authority").GetString().Should().Be("https://login.microsoftonline.com/" + FakeEntraId.TenantId);
        signIn.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()).Should().Equal($"api://{FakeEntraId.ClientId}/access_as_user");

        foreach (var script in new[] { "/addin/sign-in.js", "/addin/lib/msal-browser.min.js" })
        {
            using var response = await _host.Client().GetAsync(script);
            response.StatusCode.Should().Be(HttpStatusCode.OK, script);
        }
    }

    [Test]
    public async Task A_token_for_the_api_uri_of_the_app_is_accepted()
    {
        using var response = await ConfirmAsync(_entra.Token(change: c => c["aud"] = "api://" + FakeEntraId.ClientId));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_token_without_the_access_as_user_scope_is_403()
    {
        using var response = await ConfirmAsync(_entra.Token(change: c => c["scp"] = "Mail.Read User.Read"));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync());
        response.Headers.WwwAuthenticate.Single().Parameter.Should().Contain("insufficient_scope").And.Contain("access_as_user");
    }

    [Test]
    public async Task An_app_only_token_without_a_user_is_refused()
    {
        using var response = await ConfirmAsync(_entra.Token(change: c =>
        {
            c.Remove("scp");
            c.Remove("preferred_username");
            c["roles"] = new[] { "Mail.Send" };
        }));
        response.StatusCode.Should().BeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task A_token_naming_no_address_is_403()
    {
        using var response = await ConfirmAsync(_entra.Token(user: "tanaka"));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Archives_and_their_passwords_belong_to_the_tokens_user()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent("見積の本文"u8.ToArray()), "files", "見積書.txt");
        form.Add(new StringContent(Recipient), "recipients");
        using var anonymous = await _host.Client().PostAsync("/api/addin/protect", form);
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var protect = new HttpRequestMessage(HttpMethod.Post, "/api/addin/protect") { Content = form };
        protect.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _entra.Token("tanaka@example.co.jp"));
        using var response = await _host.Client().SendAsync(protect);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var id = response.Headers.GetValues("X-SafeMail-Archive-Id").Single();

        async Task<HttpStatusCode> PasswordAsync(string? user)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/addin/passwords/" + id);
            if (user is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _entra.Token(user));
            }

            using var answer = await _host.Client().SendAsync(request);
            return answer.StatusCode;
        }

        (await PasswordAsync("tanaka@example.co.jp")).Should().Be(HttpStatusCode.OK);
        (await PasswordAsync("suzuki@example.co.jp")).Should().Be(HttpStatusCode.NotFound, "another user's archive");
        (await PasswordAsync(null)).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task The_console_still_signs_in_with_its_cookie_and_a_token_opens_no_console_page()
    {
        using var admin = await _host.SignedInAsync("admin1");
        (await admin.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _entra.Token());
        using var response = await _host.Client().SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Contain("/login");
    }
}
