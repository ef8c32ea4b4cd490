using System.Net;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>Signing out ends the session on the server: a copy of the cookie taken before is worthless afterwards.</summary>
[NonParallelizable]
public class SignOutTests
{
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync(kestrel: true);

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static async Task<string> SessionCookieAsync(HttpClient client)
    {
        var token = await ConsoleHost.TokenAsync(client, "/login");
        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "auditor1", ["password"] = ConsoleHost.Password, ["__RequestVerificationToken"] = token,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("safemail-session=", StringComparison.Ordinal)).Split(';')[0];
    }

    private async Task<HttpStatusCode> OpenAuditWithAsync(string cookie)
    {
        using var bare = LoopbackClient.Create(_host.BaseAddress!, LoopbackClient.Address(9));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/audit");
        request.Headers.Add("Cookie", cookie);
        using var response = await bare.SendAsync(request);
        return response.StatusCode;
    }

    [Test]
    public async Task A_cookie_saved_before_sign_out_no_longer_opens_any_page()
    {
        using var browser = LoopbackClient.Create(_host.BaseAddress!, LoopbackClient.Address(2));
        var saved = await SessionCookieAsync(browser);
        (await OpenAuditWithAsync(saved)).Should().Be(HttpStatusCode.OK, "the saved cookie is a working session before sign-out");

        using var logout = await ConsoleHost.PostFormAsync(browser, "/logout", new(), "/");
        logout.StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await OpenAuditWithAsync(saved)).Should().Be(HttpStatusCode.Redirect, "the session ended on the server, not only in the browser");
    }

    [Test]
    public async Task Signing_out_in_one_browser_leaves_the_same_users_other_browser_signed_in()
    {
        using var office = LoopbackClient.Create(_host.BaseAddress!, LoopbackClient.Address(3));
        using var laptop = LoopbackClient.Create(_host.BaseAddress!, LoopbackClient.Address(4));
        var officeCookie = await SessionCookieAsync(office);
        var laptopCookie = await SessionCookieAsync(laptop);

        using var logout = await ConsoleHost.PostFormAsync(office, "/logout", new(), "/");
        (await OpenAuditWithAsync(officeCookie)).Should().Be(HttpStatusCode.Redirect);
        (await OpenAuditWithAsync(laptopCookie)).Should().Be(HttpStatusCode.OK);
    }
}
