using System.Net;
using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>
/// The console behind a real TLS reverse proxy (Debian's nginx running the shipped docs/deploy/nginx-safemail.conf) with
/// secure cookies, as the README recommends; forwarded headers believed only from the configured proxies.
/// </summary>
[NonParallelizable]
public class ReverseProxyTests
{
    private static readonly IPAddress Browser = LoopbackClient.Address(2);

    [Test]
    public async Task Through_nginx_with_secure_cookies_every_page_and_form_works_and_the_real_client_address_is_recorded()
    {
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Console:SecureCookie"] = "true",
            ["SafeMail:Console:KnownProxies:0"] = "127.0.0.1",
            ["SafeMail:AddIn:PublicUrl"] = "https://" + Nginx.ServerName,
        }, kestrel: true);
        using var certificate = TestCertificates.CreateSelfSigned(Nginx.ServerName);
        await using var nginx = await Nginx.StartAsync(host.BaseAddress!.Port, certificate);
        using var browser = LoopbackClient.Create(new Uri($"https://{Nginx.ServerName}/"), Browser, nginx.Https, certificate);

        using var login = await browser.GetAsync("/login");
        login.StatusCode.Should().Be(HttpStatusCode.OK, nginx.ErrorLog);
        login.Headers.GetValues("Strict-Transport-Security").Single().Should().StartWith("max-age=");
        login.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith("safemail-af=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.Ordinal));

        // A forwarded address the browser makes up itself goes no further than nginx.
        var token = await ConsoleHost.TokenAsync(browser, "/login");
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "admin1", ["password"] = ConsoleHost.Password, ["__RequestVerificationToken"] = token }),
        };
        signIn.Headers.Add("X-Forwarded-For", "203.0.113.66");
        using var signedIn = await browser.SendAsync(signIn);
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signedIn.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith("safemail-session=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.Ordinal));

        foreach (var page in new[] { "/", "/quarantine", "/policy", "/users", "/audit" })
        {
            using var response = await browser.GetAsync(page);
            response.StatusCode.Should().Be(HttpStatusCode.OK, page);
        }

        using var lang = await ConsoleHost.PostFormAsync(browser, "/lang", new() { ["lang"] = "en", ["returnUrl"] = "/audit" }, "/audit");
        lang.StatusCode.Should().Be(HttpStatusCode.Redirect, "a form posted through the proxy passes antiforgery");

        (await host.AuditAsync()).Where(r => r.Action == AuditActions.SignIn).Should().ContainSingle()
            .Which.Detail.Should().Be("from 127.0.0.2", "the console believes nginx about the client, and nginx believes nobody");

        using var plain = LoopbackClient.Create(new Uri($"http://{Nginx.ServerName}/"), Browser, nginx.Http);
        using var redirect = await plain.GetAsync("/audit?x=1");
        redirect.StatusCode.Should().Be(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location!.ToString().Should().Be($"https://{Nginx.ServerName}/audit?x=1");
    }

    [Test]
    public async Task Forwarded_headers_from_an_address_not_listed_are_ignored()
    {
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:KnownProxies:0"] = "10.9.8.7" }, kestrel: true);
        using var client = LoopbackClient.Create(host.BaseAddress!, LoopbackClient.Address(3));
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.66");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var login = await client.GetAsync("/login");
        login.Headers.Contains("Strict-Transport-Security").Should().BeFalse("the request came over plain HTTP whatever it claims");
        using var signIn = await ConsoleHost.PostFormAsync(client, "/login", new() { ["name"] = "operator1", ["password"] = ConsoleHost.Password });
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await host.AuditAsync()).Where(r => r.Action == AuditActions.SignIn).Should().ContainSingle().Which.Detail.Should().Be("from 127.0.0.3");
    }

    [Test]
    public async Task A_secure_cookie_console_reached_over_plain_http_explains_what_to_set_instead_of_failing()
    {
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:SecureCookie"] = "true" }, kestrel: true);
        using var client = LoopbackClient.Create(host.BaseAddress!, LoopbackClient.Address(4));
        using var response = await client.GetAsync("/login");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("HTTPS").And.Contain("SafeMail:Console:KnownProxies").And.Contain("SafeMail:Console:SecureCookie");
    }

    [Test]
    public async Task Hsts_is_sent_when_the_console_itself_serves_https()
    {
        using var certificate = TestCertificates.CreateSelfSigned(Nginx.ServerName);
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:SecureCookie"] = "true" },
            kestrel: true, httpsCertificate: certificate);
        using var client = LoopbackClient.Create(new Uri($"https://{Nginx.ServerName}:{host.BaseAddress!.Port}/"), Browser,
            new IPEndPoint(IPAddress.Loopback, host.BaseAddress.Port), certificate);
        using var login = await client.GetAsync("/login");
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        login.Headers.GetValues("Strict-Transport-Security").Single().Should().Be("max-age=31536000");
    }

    [Test]
    public void Known_proxies_that_are_not_addresses_or_that_trust_everyone_are_named_by_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Console:KnownProxies:0"] = "127.0.0.1",
            ["SafeMail:Console:KnownProxies:1"] = "10.0.0.0/8",
            ["SafeMail:Console:KnownProxies:2"] = "proxy.example.co.jp",
            ["SafeMail:Console:KnownProxies:3"] = "0.0.0.0/0",
            ["SafeMail:Console:KnownProxies:4"] = "10.0.0.0/99",
        }).Build();
        var bind = () => ConsoleSettings.Bind(configuration);
        var errors = bind.Should().Throw<SettingsException>().Which.Errors;
        errors.Should().HaveCount(3);
        errors.Should().Contain(e => e.StartsWith("SafeMail:Console:KnownProxies:2:", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("SafeMail:Console:KnownProxies:3:", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("SafeMail:Console:KnownProxies:4:", StringComparison.Ordinal));
    }
}
