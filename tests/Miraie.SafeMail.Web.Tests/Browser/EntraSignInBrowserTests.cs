using Microsoft.Playwright;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>
/// "Sign in with Microsoft" in Debian's Chromium, under the console's real Content-Security-Policy and cookies: the form's
/// redirect to Entra ID's address is allowed by form-action, Entra ID (the fake, reached through a route for
/// login.microsoftonline.com) sends the browser back cross-site, and the SameSite=Strict session still opens the page
/// (it would not if the callback redirected straight to it: the landing page on /login is what makes this pass).
/// </summary>
[NonParallelizable]
public class EntraSignInBrowserTests
{
    [Test]
    public async Task An_admin_signs_in_with_Microsoft_and_lands_on_the_page_they_asked_for()
    {
        await using var entra = await FakeEntraId.StartAsync();
        using var host = await ConsoleHost.StartAsync(FakeEntraId.ConsoleSettings(), kestrel: true, testServices: entra.RedirectConsoleMetadata);
        entra.WillSignIn("sato@example.co.jp", ["SafeMail.Admin"]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
        var context = await browser.NewContextAsync(new() { BaseURL = host.BaseAddress!.ToString() });
        await context.RouteAsync(FakeEntraId.Instance + "**", async route =>
        {
            // Microsoft's sign-in page: the way back is a navigation that page starts (the user signs in there), so the
            // browser comes back cross-site, as from the real Entra ID.
            var callback = await entra.AnswerAuthorizationAsync(new Uri(route.Request.Url));
            await route.FulfillAsync(new()
            {
                Status = 200,
                ContentType = "text/html; charset=utf-8",
                Body = $"<!DOCTYPE html><title>Sign in</title><a id=\"signed-in\" href=\"{System.Net.WebUtility.HtmlEncode(callback.ToString())}\">Continue</a>",
            });
        });
        var page = await context.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                refused.Add(message.Text);
            }
        };

        await page.GotoAsync("/login?returnUrl=%2Fpolicy");
        await page.ClickAsync("#entra-sign-in");
        await page.WaitForURLAsync(FakeEntraId.Instance + "**");
        await page.ClickAsync("#signed-in");
        await page.WaitForURLAsync(new Uri(host.BaseAddress, "/policy").ToString(), new() { Timeout = 15_000 });

        (await page.TextContentAsync("header")).Should().Contain("sato@example.co.jp");
        refused.Should().BeEmpty();
    }
}
