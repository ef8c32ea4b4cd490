using Microsoft.Playwright;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>誤送信の報告 from the real pane: a held message's button and a sent item's, each confirmed by a second click.</summary>
public partial class HeldPaneBrowserTests
{
    [Test]
    public async Task The_held_lists_report_button_asks_once_more_then_cancels_and_says_what_happened()
    {
        var id = await SendAsync("宛先を間違えた見積書");
        var page = await PaneAsync("ja-JP");
        await page.GotoAsync("/addin/taskpane.html");
        var item = page.Locator($"#held-list li[data-id='{id}']");
        await item.WaitForAsync();

        var report = item.Locator("button.report");
        (await report.TextContentAsync()).Should().Be("誤送信を報告");
        await report.ClickAsync();
        (await report.TextContentAsync()).Should().Be("報告する（もう一度押してください）");
        (await MessageAsync(id)).State.Should().Be(MessageState.Held, "the first click only asks");
        await report.ClickAsync();
        await page.Locator("#waiting-status", new() { HasText = "ご報告ありがとうございます。誤送信の報告 #" }).WaitForAsync();
        (await page.Locator("#waiting-status").TextContentAsync()).Should().Contain("・送信保留中だったため、送信を取り消しました。")
            .And.Contain("電話などで直接ご連絡ください", "no security office is configured in this host: the sender is told to call");
        (await MessageAsync(id)).State.Should().Be(MessageState.Cancelled);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("held-reported.ja.png"), FullPage = true });
    }

    [Test]
    public async Task A_sent_item_being_read_is_reported_by_its_Message_ID()
    {
        var id = await SendAsync("Sent to the wrong customer");
        var header = (await MessageAsync(id)).MessageIdHeader;
        var page = await PaneAsync("en-US");
        await page.AddInitScriptAsync($$"""
            window.Office.context.mailbox.item = { itemType: "message", to: [{ emailAddress: "buyer@customer.example.com" }], cc: [],
              internetMessageId: "<{{header}}>", subject: "Sent to the wrong customer" };
            """);
        await page.GotoAsync("/addin/taskpane.html");
        var section = page.Locator("#incident");
        await section.WaitForAsync();
        (await section.Locator("#incident-hint").TextContentAsync()).Should().Contain("If this message went to the wrong recipient, report it now.");

        var report = section.GetByRole(AriaRole.Button, new() { Name = "Report a misdirected mail" });
        await report.ClickAsync();
        await section.GetByRole(AriaRole.Button, new() { Name = "Report it (click again)" }).ClickAsync();
        await page.Locator("#waiting-status", new() { HasText = "Thank you for reporting." }).WaitForAsync();
        (await MessageAsync(id)).State.Should().Be(MessageState.Cancelled);
    }
}
