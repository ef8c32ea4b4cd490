using System.Net;
using System.Security.Cryptography;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>
/// Console sign-in with Microsoft Entra ID (OpenID Connect authorization code flow) against a fake Entra ID on 127.0.0.1:
/// the browser's redirects are followed by hand, the console redeems the code at the fake's token endpoint and signs into
/// its own cookie with the role the app roles map to. Everything not proven (role, tenant, signature) is refused.
/// </summary>
[NonParallelizable]
public class EntraSignInTests
{
    private FakeEntraId _entra = null!;
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _entra = await FakeEntraId.StartAsync();
        _host = await ConsoleHost.StartAsync(FakeEntraId.ConsoleSettings(), testServices: _entra.RedirectConsoleMetadata);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _entra.DisposeAsync();
    }

    [Test]
    public async Task An_admin_app_role_signs_in_as_admin_and_opens_the_policy()
    {
        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Admin"]);
        using var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser, "/policy");

        callback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        callback.Headers.Location!.OriginalString.Should().Be("/login?returnUrl=%2Fpolicy&handler=SignedIn");
        var landing = await browser.GetStringAsync(callback.Headers.Location);
        landing.Should().Contain("http-equiv=\"refresh\" content=\"0;url=/policy\"", "the landing page moves on same-site, where the SameSite=Strict cookie is sent");
        using var policy = await browser.GetAsync("/policy");
        policy.StatusCode.Should().Be(HttpStatusCode.OK);
        (await policy.Content.ReadAsStringAsync()).Should().Contain("sato@example.co.jp");
        (await AuditAsync()).Should().Contain(row => row.Actor == "web:sato@example.co.jp" && row.Action == AuditActions.SignIn && row.Detail.StartsWith("entra admin", StringComparison.Ordinal));
    }

    [Test]
    public async Task An_operator_app_role_opens_the_quarantine_but_not_the_policy()
    {
        _entra.WillSignIn("suzuki@example.co.jp", ["SafeMail.Operator"]);
        using var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);
        callback.StatusCode.Should().Be(HttpStatusCode.Redirect);

        using var quarantine = await browser.GetAsync("/quarantine");
        quarantine.StatusCode.Should().Be(HttpStatusCode.OK);
        using var policy = await browser.GetAsync("/policy");
        policy.StatusCode.Should().Be(HttpStatusCode.Redirect);
        policy.Headers.Location!.OriginalString.Should().Contain("/denied");
    }

    [Test]
    public async Task A_user_without_a_SafeMail_app_role_is_refused_and_the_refusal_audited_when_senders_are_not_admitted()
    {
        await using var host = await StartWithAsync("SafeMail:Console:EntraId:AdmitSenders", "false");
        _entra.WillSignIn("yamada@example.co.jp", ["Some.Other.Role"]);
        using var browser = host.Client();
        using var callback = await _entra.SignInAsync(browser);

        callback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        callback.Headers.Location!.OriginalString.Should().Be("/denied?entra=no-role");
        using var denied = await browser.GetAsync(callback.Headers.Location);
        (await denied.Content.ReadAsStringAsync()).Should().Contain("SafeMail.Admin");
        await ShouldNotBeSignedInAsync(browser);
        (await host.AuditAsync()).Should().Contain(row => row.Actor == "web:yamada@example.co.jp" && row.Action == AuditActions.SignInFailed
                                                    && row.Detail.Contains("entra: no SafeMail app role", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_user_without_a_console_role_whose_sign_in_name_is_not_an_address_is_refused()
    {
        _entra.WillSignIn("yamada", []);
        using var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);

        callback.Headers.Location!.OriginalString.Should().Be("/denied?entra=no-role");
        await ShouldNotBeSignedInAsync(browser);
        (await AuditAsync()).Should().Contain(row => row.Action == AuditActions.SignInFailed && row.Detail.Contains("sign-in name is not a mail address", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_user_of_another_tenant_is_refused()
    {
        _entra.WillSignIn("intruder@other.example.com", ["SafeMail.Admin"], claims =>
        {
            claims["tid"] = FakeEntraId.OtherTenantId;
            claims["iss"] = $"{FakeEntraId.Instance}{FakeEntraId.OtherTenantId}/v2.0";
        });
        using var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);

        callback.Headers.Location!.OriginalString.Should().Be("/login?entra=failed");
        await ShouldNotBeSignedInAsync(browser);
        (await AuditAsync()).Should().Contain(row => row.Action == AuditActions.SignInFailed && row.Detail.StartsWith("entra: wrong tenant", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_token_with_this_tenant_in_tid_but_another_issuer_is_refused()
    {
        _entra.WillSignIn("intruder@other.example.com", ["SafeMail.Admin"], claims => claims["iss"] = $"{FakeEntraId.Instance}{FakeEntraId.OtherTenantId}/v2.0");
        using var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);

        callback.Headers.Location!.OriginalString.Should().Be("/login?entra=failed");
        await ShouldNotBeSignedInAsync(browser);
    }

    [Test]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        using var forger = RSA.Create(2048);
        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Admin"], signingKey: forger);
        using var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);

        callback.Headers.Location!.OriginalString.Should().Be("/login?entra=failed");
        await ShouldNotBeSignedInAsync(browser);
        (await AuditAsync()).Should().Contain(row => row.Action == AuditActions.SignInFailed && row.Detail.StartsWith("entra: invalid signature", StringComparison.Ordinal));
        var page = await browser.GetStringAsync("/login?entra=failed");
        page.Should().Contain("Microsoft でのサインインを完了できませんでした");
    }

    [Test]
    public async Task A_callback_without_the_browser_that_started_the_sign_in_is_refused()
    {
        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Admin"]);
        using var started = _host.Client();
        using var challenge = await ConsoleHost.PostFormAsync(started, "/login?handler=Entra", new() { ["returnUrl"] = "/" });
        var answer = await _entra.AnswerAuthorizationAsync(challenge.Headers.Location!);

        // Another browser (no correlation or nonce cookie) presents the code: a login CSRF attempt.
        using var other = _host.Client();
        using var callback = await other.GetAsync(answer.PathAndQuery);
        callback.Headers.Location!.OriginalString.Should().Be("/login?entra=failed");
        await ShouldNotBeSignedInAsync(other);
    }

    [Test]
    public async Task An_Entra_session_ends_after_the_session_timeout_like_a_local_one()
    {
        await using var host = await StartWithAsync("SafeMail:Console:SessionTimeout", "00:00:02");
        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Auditor"]);
        using var browser = host.Client();
        using var callback = await _entra.SignInAsync(browser);
        using var audit = await browser.GetAsync("/audit");
        audit.StatusCode.Should().Be(HttpStatusCode.OK, "the session holds without a local account");

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        await ShouldNotBeSignedInAsync(browser);
    }

    [Test]
    public async Task An_active_Entra_session_still_ends_after_its_maximum_age_so_roles_are_read_again()
    {
        // SessionTimeout stays at its default (hours, sliding): only the absolute age can end this session.
        await using var host = await StartWithAsync("SafeMail:Console:EntraId:MaxSessionAge", "00:00:04");
        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Admin"]);
        using var browser = host.Client();
        using var callback = await _entra.SignInAsync(browser);
        for (var i = 0; i < 2; i++)
        {
            using var active = await browser.GetAsync("/policy");
            active.StatusCode.Should().Be(HttpStatusCode.OK, "the session is in use, well within its age");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // past the age, though the session was used a moment ago
        await ShouldNotBeSignedInAsync(browser);
    }

    [Test]
    public async Task Behind_a_proxy_the_registered_redirect_uri_is_sent_and_redeemed_with()
    {
        await using var host = await StartWithAsync("SafeMail:Console:EntraId:RedirectUri", "https://safemail.example.co.jp/signin-oidc");
        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Operator"]);
        using var browser = host.Client();
        var redeemed = _entra.Redeemed;

        using var callback = await _entra.SignInAsync(browser, redirectUri: "https://safemail.example.co.jp/signin-oidc");

        _entra.Redeemed.Should().Be(redeemed + 1, "the token endpoint got the same redirect URI as the authorization request");
        using var quarantine = await browser.GetAsync("/quarantine");
        quarantine.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task The_add_in_API_sign_in_and_the_console_sign_in_live_side_by_side()
    {
        var settings = FakeEntraId.ConsoleSettings();
        foreach (var (key, value) in FakeEntraId.Settings())
        {
            settings[key] = value;
        }

        await using var host = await ConsoleHost.StartAsync(settings, testServices: services =>
        {
            _entra.RedirectMetadata(services);
            _entra.RedirectConsoleMetadata(services);
        });
        using var bearer = host.Client();
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _entra.Token());
        using var page = await bearer.GetAsync("/policy");
        page.Headers.Location!.OriginalString.Should().Contain("/login", "an add-in token opens no console page; the cookie stays the default scheme");
        (await bearer.GetStringAsync("/api/addin/sign-in")).Should().Contain("\"mode\":\"entra\"");

        _entra.WillSignIn("sato@example.co.jp", ["SafeMail.Admin"]);
        using var browser = host.Client();
        using var callback = await _entra.SignInAsync(browser);
        using var policy = await browser.GetAsync("/policy");
        policy.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Local_accounts_still_sign_in_beside_the_Microsoft_button()
    {
        using var anonymous = _host.Client();
        var page = await anonymous.GetStringAsync("/login");
        page.Should().Contain("Microsoft でサインイン").And.Contain("name=\"password\"");
        using var headers = await anonymous.GetAsync("/login");
        headers.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("form-action 'self' https://login.microsoftonline.com;");

        using var admin = await _host.SignedInAsync("admin1");
        using var policy = await admin.GetAsync("/policy");
        policy.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Without_Entra_ID_settings_there_is_no_Microsoft_button_and_no_handler()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var anonymous = host.Client();
        (await anonymous.GetStringAsync("/login")).Should().NotContain("Microsoft でサインイン");
        using var response = await ConsoleHost.PostFormAsync(anonymous, "/login?handler=Entra", new() { ["returnUrl"] = "/" });
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    // POST the "Sign in with Microsoft" form, let the fake Entra ID answer the authorization request, and bring its
    // redirect back to the console's callback: the callback's response.
    // A second console, signing in with the same fake Entra ID, with one more setting.
    private Task<ConsoleHost> StartWithAsync(string key, string value)
    {
        var settings = FakeEntraId.ConsoleSettings();
        settings[key] = value;
        return ConsoleHost.StartAsync(settings, testServices: _entra.RedirectConsoleMetadata);
    }

    private static async Task ShouldNotBeSignedInAsync(HttpClient browser)
    {
        using var dashboard = await browser.GetAsync("/");
        dashboard.StatusCode.Should().Be(HttpStatusCode.Redirect);
        dashboard.Headers.Location!.OriginalString.Should().Contain("/login");
    }

    private Task<List<(string Actor, string Action, string Detail)>> AuditAsync() => _host.AuditAsync();
}
