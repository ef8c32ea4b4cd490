using System.Security.Cryptography;
using Microsoft.Playwright;
using MimeKit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>
/// 送信保留 from Outlook's pane, end to end: the real console host with its gateway holds mail sent over SMTP; the real
/// pane in Debian's Chromium (a fake <c>Office</c> object for the signed-in sender) lists it with a countdown, and its
/// cancel button stops it — the message is cancelled and never delivered, while the one left alone leaves at its time.
/// </summary>
[NonParallelizable]
public partial class HeldPaneBrowserTests
{
    private const string Sender = "tanaka@example.co.jp";

    private ConsoleHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:AddIn:DevelopmentMode"] = "true",
            ["SafeMail:Confirmation:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["SafeMail:Confirmation:CurrentKeyId"] = "k1",
            ["SafeMail:Policy:Rules:0:Name"] = "hold-external",
            ["SafeMail:Policy:Rules:0:Action"] = "Hold",
            ["SafeMail:Policy:Rules:0:HoldFor"] = "00:00:15",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        }, kestrel: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host.Dispose();
    }

    [Test]
    public async Task The_pane_lists_held_mail_with_a_countdown_and_its_cancel_button_stops_the_message_for_good()
    {
        var cancelled = await SendAsync("誤って送った見積書");
        var kept = await SendAsync("そのまま送る見積書");
        var page = await PaneAsync("ja-JP");
        await page.GotoAsync("/addin/taskpane.html");

        var item = page.Locator($"#held-list li[data-id='{cancelled}']");
        await item.WaitForAsync();
        (await item.Locator(".subject").TextContentAsync()).Should().Be("誤って送った見積書");
        (await item.Locator(".who").TextContentAsync()).Should().Be("宛先: buyer@customer.example.com（社外）");
        await item.Locator(".countdown", new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"^送信まで: \d+秒$") }).WaitForAsync();
        (await page.Locator("#held-list li").CountAsync()).Should().Be(2);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("taskpane-held.ja.png"), FullPage = true });

        await item.GetByRole(AriaRole.Button, new() { Name = "送信を取り消す" }).ClickAsync();
        await page.Locator("#waiting-status", new() { HasText = "送信を取り消しました。このメールは送信されません。" }).WaitForAsync();
        await item.WaitForAsync(new() { State = WaitForSelectorState.Detached }); // the list was fetched again
        (await MessageAsync(cancelled)).State.Should().Be(MessageState.Cancelled);

        // The other message leaves at its time (it was sent after the cancelled one, so that one's time has passed too).
        var delivered = await _host.WaitForPickupAsync(1, TimeSpan.FromSeconds(60));
        delivered.Select(f => Path.GetFileNameWithoutExtension(f)).Should().Equal(kept);
        (await MessageAsync(cancelled)).State.Should().Be(MessageState.Cancelled, "never delivered");
        (await _host.AuditAsync()).Should().Contain((Sender, "cancel", ""));
    }

    [Test]
    public async Task Beside_a_message_being_read_in_English_an_unreachable_server_is_said_plainly_and_send_now_asks_once_more()
    {
        var id = await SendAsync("Quote for review");
        var page = await PaneAsync("en-US");
        await page.RouteAsync("**/api/addin/**", route => route.AbortAsync("connectionrefused"));
        await page.AddInitScriptAsync("""
            // Reading a message: Outlook gives its recipients as arrays; nothing can be composed.
            window.Office.context.mailbox.item = { itemType: "message", to: [{ emailAddress: "tanaka@example.co.jp" }], cc: [] };
            """);
        await page.GotoAsync("/addin/taskpane.html");
        await page.Locator("#waiting-problem", new() { HasText = "Cannot reach the SafeMail server. Check the network; the pane reconnects by itself." })
            .WaitForAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("held-unreachable.en.png"), FullPage = true });

        await page.UnrouteAllAsync();
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('online'))");
        var item = page.Locator($"#held-list li[data-id='{id}']");
        await item.WaitForAsync();
        (await page.Locator("#waiting-problem").IsHiddenAsync()).Should().BeTrue("the message goes once the server answers");
        (await item.Locator(".countdown").TextContentAsync()).Should().StartWith("Sends in: ");
        (await page.Locator("#recipients").IsHiddenAsync()).Should().BeTrue("nothing is being composed");

        var sendNow = item.Locator("button.send-now");
        await sendNow.ClickAsync();
        (await sendNow.TextContentAsync()).Should().Be("Lift the hold and send this message now?");
        (await MessageAsync(id)).State.Should().Be(MessageState.Held, "the first click only asks");
        await sendNow.ClickAsync();
        await page.Locator("#waiting-status", new() { HasText = "The hold is lifted; the message is being sent now." }).WaitForAsync();
        (await _host.WaitForPickupAsync(1)).Select(f => Path.GetFileNameWithoutExtension(f)).Should().Equal(id);
        await page.Locator("#held-none", new() { HasText = "No held mail." }).WaitForAsync();
    }

    private async Task<IPage> PaneAsync(string locale)
    {
        var context = await _browser.NewContextAsync(new() { Locale = locale, BaseURL = _host.BaseAddress!.ToString(), ViewportSize = new() { Width = 420, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.RouteAsync("https://appsforoffice.microsoft.com/**", route => route.FulfillAsync(new() { ContentType = "text/javascript", Body = "" }));
        await page.AddInitScriptAsync(TaskPaneBrowserTests.FakeOffice.Replace("displayLanguage: \"ja-JP\"", $"displayLanguage: \"{locale}\"", StringComparison.Ordinal));
        return page;
    }

    private async Task<string> SendAsync(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("田中 太郎", Sender));
        message.To.Add(new MailboxAddress("購買部 様", "buyer@customer.example.com"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "御見積書をお送りします。" };
        return await Mail.SendFromAsync(_host.Smtp, message, Sender, "buyer@customer.example.com");
    }

    private async Task<MessageRecord> MessageAsync(string id)
    {
        await using var connection = await _host.Database.OpenAsync();
        return (await MessageTable.GetAsync(connection, id))!;
    }

    private static string ScreenshotPath(string name) => TaskPaneBrowserTests.ScreenshotPath(name);
}
