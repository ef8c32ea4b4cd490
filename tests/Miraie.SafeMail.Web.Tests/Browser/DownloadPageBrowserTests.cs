using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using Miraie.SafeMail.Gateway.Links;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>
/// ダウンロードリンク's page as a recipient sees it on a phone, in Debian's Chromium (390×844 CSS pixels, device scale 3,
/// mobile, touch): the real gateway (inside the console host) turns a mail's attachments into a link; the recipient opens
/// it, types the address, reads the code from the code mail in the pickup folder, types it and downloads a file whose
/// bytes are the attached ones — in Japanese, then in English through the page's "English" link. Every page fits the
/// phone's width (no horizontal scrolling), a long address included; a revoked link shows the one "not available" page.
/// </summary>
[NonParallelizable]
public partial class DownloadPageBrowserTests
{
    private const string Sender = "tanaka@example.co.jp";

    // A real-looking long address (department, subsidiary, country domain): it is written into the pages' text.
    private const string Recipient = "procurement.department.head.office@subsidiary.customer-example.co.th";

    private static readonly byte[] Sheet = System.Text.Encoding.UTF8.GetBytes("品名,数量,単価\r\nA-100,3,12000\r\n");

    private ConsoleHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "link-external",
            ["SafeMail:Policy:Rules:0:Action"] = "Link",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        });
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
    public async Task On_a_phone_the_recipient_proves_the_address_and_downloads_the_very_bytes_in_Japanese_and_in_English_until_the_link_is_revoked()
    {
        var url = await SendWithLinkAsync();
        var delivered = 2; // the mail with the link, the sender's notice

        // 日本語: a phone whose browser prefers Japanese.
        var ja = await PhoneAsync("ja-JP");
        (await ja.GotoAsync(url))!.Status.Should().Be(200);
        (await ja.Locator("html").GetAttributeAsync("lang")).Should().Be("ja");
        (await ja.Locator("h1").TextContentAsync()).Should().Be("ファイルのダウンロード");
        (await ja.ContentAsync()).Should().NotContain("御見積書", "nothing of the link before the code");
        await FitsThePhoneAsync(ja, "ja address");
        await ja.GetByLabel("メールアドレス").FillAsync(Recipient);
        await ja.GetByRole(AriaRole.Button, new() { Name = "確認コードを送る" }).ClickAsync();
        await ja.Locator("h1", new() { HasText = "確認コードの入力" }).WaitForAsync();
        (await ja.Locator("p").First.TextContentAsync()).Should().Contain(Recipient).And.Contain("確認コードを送りました");
        await FitsThePhoneAsync(ja, "ja code");
        await ja.GetByLabel("確認コード（6桁）").FillAsync(await CodeAsync(++delivered));
        await ja.GetByRole(AriaRole.Button, new() { Name = "確認する" }).ClickAsync();
        await ja.WaitForURLAsync(url + "/files");
        (await ja.Locator("h1").TextContentAsync()).Should().Be("ダウンロード");
        (await ja.Locator("p").First.TextContentAsync()).Should().StartWith($"{Recipient} として確認しました。").And.Contain("までダウンロードできます");
        await FitsThePhoneAsync(ja, "ja files");
        await ja.ScreenshotAsync(new() { Path = TaskPaneBrowserTests.ScreenshotPath("download-files.ja.png"), FullPage = true });
        var pdf = await DownloadAsync(ja, "御見積書.pdf");
        pdf.Name.Should().Be("御見積書.pdf");
        pdf.Bytes.Should().Equal(Mail.Pdf, "the file as it was attached");
        delivered++; // the sender hears of the first download

        // The same page in English through its "English" link: the session stays, the texts change.
        await ja.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await ja.Locator("h1", new() { HasText = "Download" }).WaitForAsync();
        ja.Url.Should().Be(url + "/files");
        (await ja.Locator("html").GetAttributeAsync("lang")).Should().Be("en");
        (await ja.Locator("p").First.TextContentAsync()).Should().StartWith($"Confirmed as {Recipient}. Available until ");
        (await ja.GetByRole(AriaRole.Link, new() { Name = "Download all (ZIP)" }).CountAsync()).Should().Be(1);
        await FitsThePhoneAsync(ja, "en files");

        // English from the start: another phone, the whole walk through the English texts.
        var en = await PhoneAsync("ja-JP");
        await en.GotoAsync(url);
        await en.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await en.Locator("h1", new() { HasText = "Download files" }).WaitForAsync();
        (await en.Locator("p").First.TextContentAsync()).Should().StartWith("Only the recipients of the mail can download these files.");
        await FitsThePhoneAsync(en, "en address");
        await en.GetByLabel("Email address").FillAsync(Recipient);
        await en.GetByRole(AriaRole.Button, new() { Name = "Send the code" }).ClickAsync();
        await en.Locator("h1", new() { HasText = "Enter the code" }).WaitForAsync();
        (await en.Locator("p").First.TextContentAsync()).Should().Be($"If {Recipient} received the mail, a code has been sent to it. Enter the six digits.");
        await FitsThePhoneAsync(en, "en code");
        await en.GetByLabel("Code (six digits)").FillAsync(await CodeAsync(++delivered));
        await en.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await en.WaitForURLAsync(url + "/files");
        (await en.Locator("h1").TextContentAsync()).Should().Be("Download");
        await en.ScreenshotAsync(new() { Path = TaskPaneBrowserTests.ScreenshotPath("download-files.en.png"), FullPage = true });
        var csv = await DownloadAsync(en, "明細.csv");
        csv.Name.Should().Be("明細.csv");
        csv.Bytes.Should().Equal(Sheet);

        // Revoked: both phones get the one page that says nothing about why, in their language.
        var linkId = url[(url.LastIndexOf('/') + 1)..];
        (await _host.Services.GetRequiredService<LinkService>().RevokeAsync(linkId, "web:operator1")).Should().BeTrue();
        (await en.GotoAsync(url + "/files"))!.Status.Should().Be(410);
        (await en.Locator("h1").TextContentAsync()).Should().Be("This link is not available");
        await FitsThePhoneAsync(en, "en gone");
        var again = await PhoneAsync("ja-JP");
        (await again.GotoAsync(url))!.Status.Should().Be(410);
        (await again.Locator("h1").TextContentAsync()).Should().Be("このリンクは使えません");
        (await again.Locator("p").First.TextContentAsync()).Should().Contain("送信者が取り消しました");
        await FitsThePhoneAsync(again, "ja gone");
    }

    /// <summary>Sends the quote with two attachments to <see cref="Recipient"/>; the link from the delivered mail.</summary>
    private async Task<string> SendWithLinkAsync()
    {
        var message = Mail.Quote("見積書の送付", Recipient, "御見積書.pdf");
        var mixed = (Multipart)message.Body!;
        mixed.Add(new MimePart("text", "csv") { Content = new MimeContent(new MemoryStream(Sheet)), FileName = "明細.csv", ContentTransferEncoding = ContentEncoding.Base64 });
        await Mail.SendFromAsync(_host.Smtp, message, Sender, Recipient);
        var sent = (await _host.WaitForPickupAsync(2)).Select(f => MimeMessage.Load(f)).Single(m => m.Subject == "見積書の送付");
        sent.Attachments.Should().BeEmpty("the files left the message");
        var url = LinkUrl().Match(sent.TextBody!).Value;
        url.Should().NotBeEmpty("the mail carries the link");
        return url;
    }

    /// <summary>The code in the newest code mail, once the pickup folder holds <paramref name="count"/> mails.</summary>
    private async Task<string> CodeAsync(int count)
    {
        var mails = (await _host.WaitForPickupAsync(count)).Select(f => MimeMessage.Load(f)).Where(m => m.Subject!.StartsWith("【確認コード】", StringComparison.Ordinal)).ToList();
        mails.Should().NotBeEmpty("a code mail was delivered");
        var newest = mails.OrderBy(m => m.Date).Last();
        newest.To.Mailboxes.Single().Address.Should().Be(Recipient);
        return Regex.Match(newest.Subject!, @"\d{6}").Value;
    }

    private async Task<IPage> PhoneAsync(string locale)
    {
        var context = await _browser.NewContextAsync(new()
        {
            Locale = locale,
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 3,
            IsMobile = true,
            HasTouch = true,
            AcceptDownloads = true,
        });
        return await context.NewPageAsync();
    }

    private static async Task<(string Name, byte[] Bytes)> DownloadAsync(IPage page, string file)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = file }).ClickAsync());
        (await download.FailureAsync()).Should().BeNull();
        var path = Path.Combine(Path.GetTempPath(), "safemail-dl-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));
        await download.SaveAsAsync(path);
        try
        {
            return (download.SuggestedFilename, await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Nothing wider than the phone: no horizontal scrolling and no element past its right edge. A mobile browser zooms out to
    /// content that does not fit, and <c>window.innerWidth</c> (the visual viewport) grows with it: scrollWidth ≤ innerWidth
    /// alone held at 494 px for a page that did not fit. So the content is measured against the layout width
    /// (<c>clientWidth</c>), and innerWidth must stay the phone's 390 CSS pixels.
    /// </summary>
    private static async Task FitsThePhoneAsync(IPage page, string what)
    {
        var outside = await page.EvaluateAsync<string[]>(
            "() => [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 390.5).map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right) + ': ' + e.textContent.slice(0, 50))");
        outside.Should().BeEmpty($"nothing on the {what} page reaches past the phone's right edge");
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth, document.documentElement.clientWidth]");
        widths[2].Should().Be(390, "the phone's width in CSS pixels");
        widths[0].Should().BeLessThanOrEqualTo(widths[2], $"the {what} page's content fits the phone's width without horizontal scrolling");
        widths[1].Should().Be(390, $"the {what} page is shown at the phone's width, not zoomed out to fit");
        widths[0].Should().BeLessThanOrEqualTo(widths[1], $"the {what} page fits the phone's width without horizontal scrolling");
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/d/[A-Za-z0-9_-]{22}")]
    private static partial Regex LinkUrl();
}
