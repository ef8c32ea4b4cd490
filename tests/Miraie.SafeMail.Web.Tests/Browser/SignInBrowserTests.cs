using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>
/// The pane's sign-in module in Debian's Chromium, on an add-in page under its real Content-Security-Policy, against a
/// host that requires Entra ID tokens: the bundled MSAL loads, and the token MSAL hands out (a fake MSAL standing in for
/// Outlook's broker, the token signed by the fake Entra ID) is what the API signs for — not Outlook's profile address.
/// </summary>
[NonParallelizable]
public class SignInBrowserTests
{
    private const string FakeMsal = """
        token => {
          window.msal = {
            createNestablePublicClientApplication: (configuration) => {
              window.__msal = { configuration, scopes: null };
              return Promise.resolve({
                acquireTokenSilent: (request) => { window.__msal.scopes = request.scopes; return Promise.resolve({ accessToken: token }); },
                acquireTokenPopup: () => Promise.reject(new Error("no popup expected")),
              });
            },
          };
          window.Office = { context: { mailbox: { userProfile: { emailAddress: "boss@example.co.jp" } } } };
        }
        """;

    private const string Confirm = """
        async (hash) => {
          const headers = await SafeMailSignIn.headers();
          const response = await fetch("/api/addin/confirmations", {
            method: "POST",
            headers: Object.assign({ "Content-Type": "application/json" }, headers),
            body: JSON.stringify({ recipients: ["buyer@customer.example.com"], attachments: [{ name: "見積書.pdf", sha256: hash }] }),
          });
          return { status: response.status, body: await response.text(), msal: window.__msal, devHeader: "X-SafeMail-Dev-User" in headers };
        }
        """;

    [Test]
    public async Task The_pane_module_sends_the_token_msal_gives_and_the_stamp_is_signed_for_the_tokens_user()
    {
        await using var entra = await FakeEntraId.StartAsync();
        var settings = FakeEntraId.Settings();
        settings["SafeMail:Confirmation:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        settings["SafeMail:Confirmation:CurrentKeyId"] = "k1";
        using var host = await ConsoleHost.StartAsync(settings, kestrel: true, testServices: entra.RedirectMetadata);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
        var context = await browser.NewContextAsync(new() { BaseURL = host.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                refused.Add(message.Text);
            }
        };

        await page.GotoAsync("/addin/help.html");
        // The bundled MSAL loads under the pane's policy and offers Nested App Authentication's client.
        await page.AddScriptTagAsync(new() { Url = "/addin/lib/msal-browser.min.js" });
        (await page.EvaluateAsync<string>("typeof msal.createNestablePublicClientApplication")).Should().Be("function");

        await page.EvaluateAsync(FakeMsal, entra.Token("tanaka@example.co.jp"));
        await page.AddScriptTagAsync(new() { Url = "/addin/sign-in.js" });
        var hash = Convert.ToHexStringLower(SHA256.HashData("見積書"u8));
        var result = await page.EvaluateAsync<JsonElement>(Confirm, hash);

        result.GetProperty("status").GetInt32().Should().Be(200, result.GetProperty("body").GetString());
        result.GetProperty("devHeader").GetBoolean().Should().BeFalse();
        var msal = result.GetProperty("msal");
        msal.GetProperty("configuration").GetProperty("auth").GetProperty("clientId").GetString().Should().Be(FakeEntraId.ClientId);
        msal.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()).Should().Equal($"api://{FakeEntraId.ClientId}/access_as_user");

        var stamp = JsonDocument.Parse(result.GetProperty("body").GetString()!).RootElement.GetProperty("value").GetString();
        var signer = host.Services.GetRequiredService<ConfirmationSigner>();
        signer.Verify(stamp, "tanaka@example.co.jp", ["buyer@customer.example.com"], [hash]).Should().Be(ConfirmationStatus.Valid);
        signer.Verify(stamp, "boss@example.co.jp", ["buyer@customer.example.com"], [hash]).Should().Be(ConfirmationStatus.SenderMismatch);
        refused.Should().BeEmpty("the module and MSAL run under the add-in pages' Content-Security-Policy");
    }
}
