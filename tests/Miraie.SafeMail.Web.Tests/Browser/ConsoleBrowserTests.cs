using Microsoft.Playwright;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>
/// What a person clicks, in Debian's Chromium driven by Playwright, against the real console on a real socket with the
/// gateway relaying to a capturing SMTP server. Screenshots of the main pages (Japanese) go to artifacts/screenshots.
/// </summary>
[NonParallelizable]
public class ConsoleBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private CapturingSmtpServer _upstream = null!;
    private ConsoleHost _host = null!;
    private IPage _page = null!;

    private static string Screenshots
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Miraie.SafeMail.sln")))
            {
                root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
            }

            return Directory.CreateDirectory(Path.Combine(root, "artifacts", "screenshots")).FullName;
        }
    }

    [SetUp]
    public async Task StartAsync()
    {
        File.Exists(Chromium).Should().BeTrue("tests/install-deps.sh installs Debian's chromium; these tests never download a browser");
        _upstream = await CapturingSmtpServer.StartAsync();
        _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = _upstream.Host,
            ["SafeMail:Delivery:Smarthost:Port"] = _upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
        }, kestrel: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var context = await _browser.NewContextAsync(new() { Locale = "ja-JP", BaseURL = _host.BaseAddress!.ToString(), ViewportSize = new() { Width = 1360, Height = 900 } });
        _page = await context.NewPageAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host.Dispose();
        await _upstream.DisposeAsync();
    }

    private async Task SignInAsync(string user)
    {
        await _page.GotoAsync("/login");
        await _page.GetByLabel("ユーザー名").FillAsync(user);
        await _page.GetByLabel("パスワード").FillAsync(ConsoleHost.Password);
        await _page.GetByRole(AriaRole.Button, new() { Name = "サインイン" }).ClickAsync();
        try
        {
            await _page.WaitForURLAsync("**/");
        }
        catch (TimeoutException)
        {
            // Say where the browser ended up instead of only that it did not reach the dashboard.
            Assert.Fail($"sign-in as {user} did not reach the dashboard: {_page.Url}\n{await _page.TextContentAsync("body")}");
        }
    }

    [Test]
    public async Task An_operator_finds_a_message_just_sent_releases_it_and_the_upstream_receives_it_once()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("御見積書送付の件（ブラウザー）"));
        await SignInAsync("operator1");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard.ja.png"), FullPage = true });

        await _page.GetByRole(AriaRole.Link, new() { Name = "隔離メール" }).ClickAsync();
        await _page.GetByLabel("検索").FillAsync("ブラウザー");
        await _page.GetByRole(AriaRole.Button, new() { Name = "絞り込む" }).ClickAsync();
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "quarantine-list.ja.png"), FullPage = true });
        await _page.GetByRole(AriaRole.Link, new() { Name = "御見積書送付の件（ブラウザー）" }).ClickAsync();
        await _page.WaitForURLAsync("**/quarantine/" + id);
        (await _page.TextContentAsync("main"))!.Should().Contain("見積書.pdf").And.Contain("暗号化されていません");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "quarantine-detail.ja.png"), FullPage = true });

        await _page.GetByRole(AriaRole.Link, new() { Name = "解放", Exact = true }).ClickAsync();
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "quarantine-confirm.ja.png"), FullPage = true });
        await _page.GetByRole(AriaRole.Button, new() { Name = "1件を解放する" }).ClickAsync();
        await _page.WaitForURLAsync("**/quarantine/" + id);
        (await _page.TextContentAsync("[role=status]"))!.Should().Contain("1件を処理しました");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_upstream.Messages.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(2500); // the next delivery poll, if it were to send it again
        _upstream.Messages.Should().ContainSingle("released mail is delivered exactly once");
        _upstream.Messages[0].Recipients.Should().Equal("buyer@customer.example.com");
    }

    [Test]
    public async Task An_admin_edits_a_rule_sees_the_dry_run_difference_saves_and_the_next_message_gets_the_new_verdict()
    {
        var held = await Mail.SendAsync(_host.Smtp, Mail.Quote("ルール変更前"));
        await SignInAsync("admin1");
        await _page.GotoAsync("/policy");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "policy.ja.png"), FullPage = true });

        var domains = _page.Locator("textarea[name='Form.Domains']");
        await domains.FillAsync("example.co.jp\n*.example.co.jp\ncustomer.example.com");
        await _page.GetByLabel("または隔離中のキューID").FillAsync(held);
        await _page.GetByRole(AriaRole.Button, new() { Name = "試験判定" }).ClickAsync();
        await _page.WaitForSelectorAsync("#dry-run");
        (await _page.GetAttributeAsync("#dry-run .card:nth-child(1) [data-verdict]", "data-verdict")).Should().Be("Quarantine");
        (await _page.GetAttributeAsync("#dry-run .card:nth-child(2) [data-verdict]", "data-verdict")).Should().Be("Pass");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "policy-dry-run.ja.png"), FullPage = true });

        await _page.GetByLabel("変更の理由（履歴に残ります）").FillAsync("取引先 customer.example.com を社内扱いに");
        await _page.GetByRole(AriaRole.Button, new() { Name = "保存して適用" }).ClickAsync();
        (await _page.TextContentAsync("[role=status]"))!.Should().Contain("バージョン 1");

        var next = await Mail.SendAsync(_host.Smtp, Mail.Quote("ルール変更後"));
        await using (var connection = await _host.Database.OpenAsync())
        {
            (await MessageTable.GetAsync(connection, next))!.Verdict.Should().Be("pass");
        }

        await _page.GotoAsync("/policy/history");
        (await _page.TextContentAsync("main"))!.Should().Contain("取引先 customer.example.com を社内扱いに");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "policy-history.ja.png"), FullPage = true });
        await _page.GotoAsync("/audit");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "audit.ja.png"), FullPage = true });
        await _page.GotoAsync("/users");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "users.ja.png"), FullPage = true });
    }

    [Test]
    public async Task An_admin_demoting_themselves_is_asked_first_warned_and_then_signed_out()
    {
        await using (var connection = await _host.Database.OpenAsync())
        {
            await ConsoleUsers.AddAsync(connection, "admin2", ConsoleHost.Password, ConsoleRoles.Admin, DateTimeOffset.UtcNow);
        }

        await SignInAsync("admin1");
        await _page.GotoAsync("/users");
        var row = _page.Locator("tr", new() { HasText = "admin1" });
        await row.GetByLabel("役割").SelectOptionAsync("auditor");
        await row.GetByRole(AriaRole.Button, new() { Name = "役割を変更…" }).ClickAsync();
        await _page.WaitForURLAsync("**/users/confirm?**");
        (await _page.TextContentAsync("main"))!.Should().Contain("管理者 → 監査担当").And.Contain("あなた自身のアカウント");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "users-confirm.ja.png"), FullPage = true });
        await using (var connection = await _host.Database.OpenAsync())
        {
            (await ConsoleUsers.GetAsync(connection, "admin1"))!.Role.Should().Be(ConsoleRoles.Admin, "nothing changes before the confirmation");
        }

        await _page.GetByRole(AriaRole.Button, new() { Name = "役割を変更する" }).ClickAsync();
        await _page.WaitForURLAsync("**/login**");
        await using (var connection = await _host.Database.OpenAsync())
        {
            (await ConsoleUsers.GetAsync(connection, "admin1"))!.Role.Should().Be(ConsoleRoles.Auditor);
        }
    }
}
