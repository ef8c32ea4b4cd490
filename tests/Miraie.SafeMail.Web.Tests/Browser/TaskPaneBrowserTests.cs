using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using MimeKit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Browser;

/// <summary>
/// The real task pane served by the real host, in Debian's Chromium, with a fake <c>Office</c> object in place of
/// Office.js (the CDN is unreachable here and no Outlook exists): confirm, encrypt two Japanese-named attachments, record
/// the stamp — then send that very message through the gateway, which passes it with a valid confirmation.
/// </summary>
[NonParallelizable]
public class TaskPaneBrowserTests
{
    internal const string FakeOffice = """
        (() => {
          const ok = (value) => ({ status: "succeeded", value });
          const people = (list) => list.map(([emailAddress, displayName]) => ({ emailAddress, displayName }));
          window.__fake = { headers: {}, session: {}, attachments: [], added: 0, to: people([["buyer@customer.example.com", "購買部 様"]]), cc: [], bcc: [], newMessage: null };
          const field = (name) => ({
            getAsync: (cb) => cb(ok(window.__fake[name])),
            setAsync: (list, cb) => { window.__fake[name] = list; cb(ok()); },
          });
          window.Office = {
            onReady: (cb) => setTimeout(() => cb({ host: "Outlook" }), 0),
            context: {
              displayLanguage: "ja-JP",
              mailbox: {
                userProfile: { emailAddress: "tanaka@example.co.jp" },
                displayNewMessageForm: (form) => { window.__fake.newMessage = form; },
                item: {
                  to: field("to"), cc: field("cc"), bcc: field("bcc"),
                  getAttachmentsAsync: (cb) => cb(ok(window.__fake.attachments.map(({ id, name, size }) => ({ id, name, size, isInline: false })))),
                  getAttachmentContentAsync: (id, cb) => cb(ok({ format: "base64", content: window.__fake.attachments.find((a) => a.id === id).content })),
                  removeAttachmentAsync: (id, cb) => { window.__fake.attachments = window.__fake.attachments.filter((a) => a.id !== id); cb(ok()); },
                  addFileAttachmentFromBase64Async: (content, name, cb) => {
                    const id = "zip-" + ++window.__fake.added;
                    window.__fake.attachments.push({ id, name, size: atob(content).length, content });
                    cb(ok(id));
                  },
                  // As in Outlook: setAsync adds or replaces the named headers only; getAsync answers those that exist.
                  internetHeaders: {
                    setAsync: (headers, cb) => { Object.assign(window.__fake.headers, headers); cb(ok()); },
                    getAsync: (names, cb) => cb(ok(Object.fromEntries(names.filter((n) => n in window.__fake.headers).map((n) => [n, window.__fake.headers[n]])))),
                  },
                  sessionData: {
                    setAsync: (key, value, cb) => { window.__fake.session[key] = value; cb(ok()); },
                    getAsync: (key, cb) => cb(key in window.__fake.session ? ok(window.__fake.session[key]) : { status: "failed", error: { message: "not found" } }),
                  },
                  getInitializationContextAsync: (cb) => cb(ok(JSON.stringify({ reason: "unconfirmed" }))),
                },
              },
            },
          };
        })();
        """;

    private ConsoleHost? _host;
    private IPlaywright _playwright = null!;

    private ConsoleHost Host => _host ?? throw new InvalidOperationException("NewPaneAsync starts the host");
    private IBrowser _browser = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host?.Dispose();
    }

    /// <summary>
    /// A pane-sized page on a freshly started host (password delivery in <paramref name="passwordDelivery"/> mode, the
    /// product's default when null), with Office.js's CDN answered by an empty script (the fake is injected per test).
    /// </summary>
    private async Task<IPage> NewPaneAsync(string locale, string? passwordDelivery = null, IDictionary<string, string?>? more = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeMail:AddIn:DevelopmentMode"] = "true",
            ["SafeMail:Confirmation:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["SafeMail:Confirmation:CurrentKeyId"] = "k1",
        };
        if (passwordDelivery is not null)
        {
            settings["SafeMail:PasswordDelivery:Mode"] = passwordDelivery;
        }

        if (passwordDelivery == "graph")
        {
            // Graph mode needs an app registration to start; nothing is sent through it in these tests.
            settings["SafeMail:PasswordDelivery:Graph:TenantId"] = "11111111-2222-3333-4444-555555555555";
            settings["SafeMail:PasswordDelivery:Graph:ClientId"] = "66666666-7777-8888-9999-000000000000";
            settings["SafeMail:PasswordDelivery:Graph:ClientSecret"] = "unused";
        }

        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        _host = await ConsoleHost.StartAsync(settings, kestrel: true, testServices: testServices);
        var context = await _browser.NewContextAsync(new() { Locale = locale, BaseURL = _host.BaseAddress!.ToString(), ViewportSize = new() { Width = 420, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.RouteAsync("https://appsforoffice.microsoft.com/**", route => route.FulfillAsync(new() { ContentType = "text/javascript", Body = "" }));
        return page;
    }

    [Test]
    public async Task Confirm_encrypt_two_japanese_attachments_and_the_gateway_passes_the_message_with_a_valid_stamp()
    {
        var page = await NewPaneAsync("ja-JP", passwordDelivery: "pane");
        var quote = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("御見積書 数量 単価 金額\n", 500)));
        await page.AddInitScriptAsync(FakeOffice + $$"""
            window.__fake.attachments = [
              { id: "a1", name: "御見積書.txt", size: {{quote.Length}}, content: "{{Convert.ToBase64String(quote)}}" },
              { id: "a2", name: "仕様書.pdf", size: {{Mail.Pdf.Length}}, content: "{{Convert.ToBase64String(Mail.Pdf)}}" },
            ];
            """);

        await page.GotoAsync("/addin/taskpane.html");
        await page.GetByText("customer.example.com (社外)").WaitForAsync();
        await page.GetByText("送信前に、宛先と添付ファイルを確認してください。").WaitForAsync(); // Smart Alerts' context, shown
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("taskpane.ja.png"), FullPage = true });

        var archiveId = await EncryptAsync(page, "添付ファイルを暗号化（パスワード付き ZIP）", "暗号化しました");
        (await ArchiveHeaderAsync(page)).Should().Be(archiveId, "the gateway finds the archive by the id the server returned");
        var attachments = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__fake.attachments)")).RootElement;
        attachments.GetArrayLength().Should().Be(1, "the two originals were replaced by one archive");
        var zipName = attachments[0].GetProperty("name").GetString()!;
        zipName.Should().EndWith(".zip");
        var zip = Convert.FromBase64String(attachments[0].GetProperty("content").GetString()!);
        var password = await page.TextContentAsync("#password");
        password.Should().NotBeNullOrEmpty();

        var work = Directory.CreateTempSubdirectory("safemail-pane-").FullName;
        try
        {
            var path = Path.Combine(work, "archive.zip");
            await File.WriteAllBytesAsync(path, zip);
            var listing = SevenZip.Run("l", "-slt", "-p" + password, path).Out;
            listing.Should().Contain("Path = 御見積書.txt").And.Contain("Path = 仕様書.pdf").And.Contain("AES-256");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        (await page.Locator("#password-auto").IsVisibleAsync()).Should().BeFalse("in pane mode nothing is sent automatically");
        await page.GetByRole(AriaRole.Button, new() { Name = "パスワードのメールを作成" }).ClickAsync();
        var passwordMail = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__fake.newMessage)")).RootElement;
        passwordMail.GetProperty("toRecipients").EnumerateArray().Select(e => e.GetString()).Should().Equal("buyer@customer.example.com");
        passwordMail.GetProperty("htmlBody").GetString().Should().Contain(password!).And.Contain(zipName);

        foreach (var box in await page.Locator("input[type=checkbox]").AllAsync())
        {
            await box.CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "確認して送信" }).ClickAsync();
        await page.GetByText("確認しました。送信ボタンを押してください。").WaitForAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("taskpane-confirmed.ja.png"), FullPage = true });
        var stamp = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__fake.headers)")).RootElement.GetProperty("X-SafeMail-Confirmation").GetString();
        stamp.Should().NotBeNullOrEmpty();
        (await ArchiveHeaderAsync(page)).Should().Be(archiveId, "the stamp is added beside the archive id, not in its place");
        (await page.EvaluateAsync<bool>("'safemailConfirmation' in window.__fake.session")).Should().BeTrue();

        // The message Outlook would now send: same recipient, the archive, the stamp header.
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("田中 太郎", "tanaka@example.co.jp"));
        message.To.Add(new MailboxAddress("購買部 様", "buyer@customer.example.com"));
        message.Subject = "御見積書送付の件";
        message.Headers.Add("X-SafeMail-Confirmation", stamp!);
        var body = new BodyBuilder { TextBody = "御見積書をお送りします。パスワードは別途お送りします。" };
        body.Attachments.Add(zipName, zip, new ContentType("application", "zip"));
        message.Body = body.ToMessageBody();
        var id = await Mail.SendAsync(Host.Smtp, message);
        await using var connection = await Host.Database.OpenAsync();
        var stored = (await MessageTable.GetAsync(connection, id))!;
        stored.Verdict.Should().Be("pass", "the attachments are protected");
        stored.Confirmation.Should().Be("valid", "the stamp matches these recipients and this archive");
    }

    /// <summary>
    /// End to end in the product's default mode: the pane encrypts and confirms; the message Outlook would send passes the
    /// gateway, and the password mail follows it to the same recipient with the password that opens the delivered ZIP.
    /// The same message without the stamp, or with a plain attachment, is quarantined by a policy that asks for both.
    /// </summary>
    [Test]
    public async Task End_to_end_the_password_mail_follows_the_delivered_message_and_unconfirmed_or_plain_copies_are_quarantined()
    {
        var page = await NewPaneAsync("ja-JP", passwordDelivery: "gateway", more: new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "external-unprotected",
            ["SafeMail:Policy:Rules:0:Action"] = "Quarantine",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:0:When:Attachment:Unprotected"] = "true",
            ["SafeMail:Policy:Rules:1:Name"] = "external-unconfirmed",
            ["SafeMail:Policy:Rules:1:Action"] = "Quarantine",
            ["SafeMail:Policy:Rules:1:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:When:Confirmation"] = "NotValid",
            ["SafeMail:Policy:Rules:2:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:2:Action"] = "Pass",
        });
        await page.AddInitScriptAsync(FakeOffice + $$"""
            window.__fake.attachments = [{ id: "a1", name: "御見積書.pdf", size: {{Mail.Pdf.Length}}, content: "{{Convert.ToBase64String(Mail.Pdf)}}" }];
            """);
        await page.GotoAsync("/addin/taskpane.html");
        await page.GetByText("customer.example.com (社外)").WaitForAsync();
        await EncryptAsync(page, "添付ファイルを暗号化（パスワード付き ZIP）", "暗号化しました");
        var shownPassword = await page.TextContentAsync("#password");
        foreach (var box in await page.Locator("input[type=checkbox]").AllAsync())
        {
            await box.CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "確認して送信" }).ClickAsync();
        await page.GetByText("確認しました。送信ボタンを押してください。").WaitForAsync();
        var headers = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__fake.headers)")).RootElement;
        var zip = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__fake.attachments)")).RootElement[0];

        MimeMessage Outgoing(bool stamp, bool plain)
        {
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("田中 太郎", "tanaka@example.co.jp"));
            message.To.Add(new MailboxAddress("購買部 様", "buyer@customer.example.com"));
            message.Subject = "御見積書送付の件";
            foreach (var header in headers.EnumerateObject().Where(h => stamp || h.Name != "X-SafeMail-Confirmation"))
            {
                message.Headers.Add(header.Name, header.Value.GetString()!);
            }

            var body = new BodyBuilder { TextBody = "御見積書をお送りします。" };
            body.Attachments.Add(plain ? "御見積書.pdf" : zip.GetProperty("name").GetString()!, plain ? Mail.Pdf : Convert.FromBase64String(zip.GetProperty("content").GetString()!));
            message.Body = body.ToMessageBody();
            return message;
        }

        var sent = await Mail.SendAsync(Host.Smtp, Outgoing(stamp: true, plain: false));
        var delivered = await Host.WaitForPickupAsync(2);
        var mails = delivered.Select(f => (File: f, Mail: MimeMessage.Load(f))).ToList();
        var original = mails.Single(m => m.Mail.Subject == "御見積書送付の件");
        var passwordMail = mails.Single(m => m.Mail.Subject != "御見積書送付の件").Mail;
        passwordMail.To.Mailboxes.Select(m => m.Address).Should().Equal("buyer@customer.example.com");
        passwordMail.InReplyTo.Should().Be(original.Mail.MessageId);
        var password = System.Text.RegularExpressions.Regex.Match(passwordMail.TextBody!, "パスワード: (\\S+)").Groups[1].Value;
        password.Should().Be(shownPassword, "the password mail carries the archive's password");

        var work = Directory.CreateTempSubdirectory("safemail-e2e-").FullName;
        try
        {
            var path = Path.Combine(work, "delivered.zip");
            await using (var file = File.Create(path))
            {
                await ((MimePart)original.Mail.Attachments.Single()).Content!.DecodeToAsync(file);
            }

            var test = SevenZip.Run("t", "-p" + password, path);
            test.Code.Should().Be(0, test.Out);
            test.Out.Should().Contain("Everything is Ok");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        var unconfirmed = await Mail.SendAsync(Host.Smtp, Outgoing(stamp: false, plain: false));
        var plainCopy = await Mail.SendAsync(Host.Smtp, Outgoing(stamp: true, plain: true));
        await using var connection = await Host.Database.OpenAsync();
        var first = (await MessageTable.GetAsync(connection, sent))!;
        (first.Verdict, first.Confirmation).Should().Be(("pass", "valid"));
        var held = (await MessageTable.GetAsync(connection, unconfirmed))!;
        (held.State, held.Rule).Should().Be((MessageState.Quarantined, "external-unconfirmed"));
        var plainHeld = (await MessageTable.GetAsync(connection, plainCopy))!;
        (plainHeld.State, plainHeld.Rule).Should().Be((MessageState.Quarantined, "external-unprotected"));
        await Task.Delay(2500);
        (await Host.WaitForPickupAsync(3, TimeSpan.FromMilliseconds(100))).Should().HaveCount(2, "no password mail for quarantined copies");
    }

    /// <summary>
    /// Production sign-in: the host accepts only Entra ID tokens; the pane gets one from MSAL's nestable client (a fake
    /// MSAL standing in for Outlook's broker, the token signed by the fake Entra ID) and sends it as a bearer token.
    /// </summary>
    [Test]
    public async Task With_Entra_ID_the_pane_sends_the_brokered_token_and_no_development_header_and_the_confirmation_is_recorded()
    {
        await using var entra = await FakeEntraId.StartAsync();
        var more = FakeEntraId.Settings();
        more["SafeMail:AddIn:DevelopmentMode"] = "false";
        var page = await NewPaneAsync("en-US", passwordDelivery: "gateway", more: more, testServices: entra.RedirectMetadata);
        await page.AddInitScriptAsync(FakeOffice.Replace("displayLanguage: \"ja-JP\"", "displayLanguage: \"en-US\"", StringComparison.Ordinal) + $$"""
            window.__fake.attachments = [{ id: "a1", name: "quote.pdf", size: {{Mail.Pdf.Length}}, content: "{{Convert.ToBase64String(Mail.Pdf)}}" }];
            // MSAL's nestable client as Outlook's broker would answer: silently, with a token for the signed-in user.
            Object.defineProperty(window, "msal", { configurable: true, get: () => ({
              createNestablePublicClientApplication: () => Promise.resolve({
                acquireTokenSilent: () => Promise.resolve({ accessToken: "{{entra.Token("tanaka@example.co.jp")}}" }),
                acquireTokenPopup: () => Promise.reject(new Error("no popup expected")),
              }),
            }), set: () => {} });
            """);
        var sent = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/addin/", StringComparison.Ordinal) && request.Method == "POST")
            {
                sent.Add(request);
            }
        };

        await page.GotoAsync("/addin/taskpane.html");
        await page.GetByText("customer.example.com (external)").WaitForAsync();
        await EncryptAsync(page, "Encrypt attachments (password ZIP)", "Encrypted: ");
        foreach (var box in await page.Locator("input[type=checkbox]").AllAsync())
        {
            await box.CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and send" }).ClickAsync();
        await page.GetByText("Confirmed. Press Send.").WaitForAsync();
        sent.Select(r => new Uri(r.Url).AbsolutePath).Should().Equal("/api/addin/protect", "/api/addin/confirmations");
        foreach (var request in sent)
        {
            var headers = await request.AllHeadersAsync();
            headers.Should().ContainKey("authorization").WhoseValue.Should().StartWith("Bearer ey");
            headers.Should().NotContainKey("x-safemail-dev-user");
        }

        await using var connection = await Host.Database.OpenAsync();
        await using var audit = connection.CreateCommand();
        audit.CommandText = "SELECT actor FROM audit WHERE action = 'confirmation'";
        (await audit.ExecuteScalarAsync()).Should().Be("addin:tanaka@example.co.jp", "the sender is the token's user");
    }

    [Test]
    public async Task When_no_token_can_be_had_the_pane_says_so_in_the_users_language_and_nothing_is_signed()
    {
        await using var entra = await FakeEntraId.StartAsync();
        var more = FakeEntraId.Settings();
        more["SafeMail:AddIn:DevelopmentMode"] = "false";
        var page = await NewPaneAsync("ja-JP", passwordDelivery: "gateway", more: more, testServices: entra.RedirectMetadata);
        await page.AddInitScriptAsync(FakeOffice + """
            Object.defineProperty(window, "msal", { configurable: true, get: () => ({
              createNestablePublicClientApplication: () => Promise.resolve({
                acquireTokenSilent: () => Promise.reject(new Error("interaction_required")),
                acquireTokenPopup: () => Promise.reject(new Error("user_cancelled")),
              }),
            }), set: () => {} });
            """);
        await page.GotoAsync("/addin/taskpane.html");
        await page.GetByText("customer.example.com (社外)").WaitForAsync();
        foreach (var box in await page.Locator("input[type=checkbox]").AllAsync())
        {
            await box.CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "確認して送信" }).ClickAsync();
        await page.Locator("#status.error", new() { HasText = "サインインできませんでした" }).WaitForAsync();
        (await page.TextContentAsync("#status")).Should().Contain("user_cancelled", "the detail stays for the help desk");
        (await page.EvaluateAsync<bool>("'X-SafeMail-Confirmation' in window.__fake.headers")).Should().BeFalse();
    }

    [Test]
    public async Task The_pane_works_from_the_keyboard_alone_and_send_stays_disabled_until_every_box_is_ticked()
    {
        var page = await NewPaneAsync("en-US");
        await page.AddInitScriptAsync(FakeOffice.Replace("displayLanguage: \"ja-JP\"", "displayLanguage: \"en-US\"", StringComparison.Ordinal) + $$"""
            window.__fake.cc = [{ emailAddress: "suzuki@example.co.jp", displayName: "Suzuki" }];
            window.__fake.attachments = [{ id: "a1", name: "quote.pdf", size: {{Mail.Pdf.Length}}, content: "{{Convert.ToBase64String(Mail.Pdf)}}" }];
            window.Office.context.mailbox.item.getInitializationContextAsync = undefined;
            """);

        await page.GotoAsync("/addin/taskpane.html");
        await page.GetByText("customer.example.com (external)").WaitForAsync();
        var confirm = page.GetByRole(AriaRole.Button, new() { Name = "Confirm and send" });
        (await confirm.IsDisabledAsync()).Should().BeTrue("nothing is ticked yet");

        // Tab from the top of the page: every checkbox is reachable and Space ticks it.
        var ticked = 0;
        for (var i = 0; i < 20 && ticked < 3; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("document.activeElement !== null && document.activeElement.type === 'checkbox'"))
            {
                await page.Keyboard.PressAsync("Space");
                ticked++;
                if (ticked < 3)
                {
                    (await confirm.IsDisabledAsync()).Should().BeTrue($"only {ticked} of 3 boxes ticked");
                }
            }
        }

        ticked.Should().Be(3, "two recipients and one attachment, each reachable by Tab");
        (await confirm.IsEnabledAsync()).Should().BeTrue();
        await confirm.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Confirmed. Press Send.").WaitForAsync();
        (await page.EvaluateAsync<string>("window.__fake.session.safemailConfirmation")).Should().Contain("buyer@customer.example.com");
    }

    [TestCase("gateway", "ja-JP", "添付ファイルを暗号化（パスワード付き ZIP）", "暗号化しました", "このメールの配送後、パスワードは別のメール（パスワード通知メール）で各宛先に自動で送信されます。")]
    [TestCase("graph", "en-US", "Encrypt attachments (password ZIP)", "Encrypted: ", "After this message is delivered, the password is sent automatically to each recipient in a separate mail.")]
    public async Task When_the_server_sends_the_password_the_pane_shows_it_with_a_note_and_every_archive_id_goes_in_the_header(
        string mode, string locale, string encryptButton, string encryptedText, string note)
    {
        var page = await NewPaneAsync(locale, mode);
        await page.AddInitScriptAsync(FakeOffice.Replace("displayLanguage: \"ja-JP\"", $"displayLanguage: \"{locale}\"", StringComparison.Ordinal) + $$"""
            window.__fake.attachments = [{ id: "a1", name: "見積書.pdf", size: {{Mail.Pdf.Length}}, content: "{{Convert.ToBase64String(Mail.Pdf)}}" }];
            """);
        await page.GotoAsync("/addin/taskpane.html");
        await page.GetByText("customer.example.com").First.WaitForAsync();

        var first = await EncryptAsync(page, encryptButton, encryptedText);
        (await page.TextContentAsync("#password")).Should().NotBeNullOrEmpty("the sender may need it, e.g. on the phone");
        (await page.GetByText(note).IsVisibleAsync()).Should().BeTrue();
        (await page.Locator("#password-mail").IsVisibleAsync()).Should().BeFalse("the server sends the password mail: no second one");
        (await ArchiveHeaderAsync(page)).Should().Be(first);

        // Nothing new attached: the pane's own archive is not wrapped into another one.
        var protectCalls = 0;
        page.Request += (_, r) => protectCalls += r.Url.EndsWith("/api/addin/protect", StringComparison.Ordinal) ? 1 : 0;
        await page.GetByRole(AriaRole.Button, new() { Name = encryptButton }).ClickAsync();
        await page.Locator("#status", new() { HasText = locale == "ja-JP" ? "暗号化する添付ファイルはありません" : "Nothing left to encrypt" }).WaitForAsync();
        protectCalls.Should().Be(0);

        // A file attached afterwards becomes a second archive beside the first; the header keeps both ids, so the
        // recipients get both passwords, and each archive is still a top-level attachment the gateway can match.
        await page.EvaluateAsync($"() => window.__fake.attachments.push({{ id: 'a2', name: 'spec.pdf', size: {Mail.Pdf.Length}, content: '{Convert.ToBase64String(Mail.Pdf)}' }})");
        var second = await EncryptAsync(page, encryptButton, encryptedText);
        second.Should().NotBe(first);
        (await ArchiveHeaderAsync(page)).Should().Be(first + "," + second);
        var names = await page.EvaluateAsync<string[]>("window.__fake.attachments.map(a => a.name)");
        names.Should().HaveCount(2).And.OnlyContain(n => n.EndsWith(".zip", StringComparison.Ordinal));
        (await page.TextContentAsync("#password"))!.Should().Contain("見積書.zip: ").And.Contain("spec.zip: ", "each archive's password is named");
        await page.ScreenshotAsync(new() { Path = ScreenshotPath($"taskpane-password-{mode}.{locale}.png"), FullPage = true });
    }

    [Test]
    public async Task A_domain_added_after_the_reply_was_opened_is_flagged_new_and_the_original_domain_is_not()
    {
        var page = await NewPaneAsync("ja-JP");
        await page.AddInitScriptAsync(FakeOffice + """
            // What send-handler.js's OnNewMessageCompose kept when the reply was opened: only the customer.
            window.__fake.session.safemailThread = JSON.stringify({ composeType: "reply", addresses: ["buyer@customer.example.com"] });
            window.__fake.cc = [
              { emailAddress: "someone@rival.example.net", displayName: "誤って追加" },
              { emailAddress: "suzuki@example.co.jp", displayName: "鈴木" },
            ];
            """);
        await page.GotoAsync("/addin/taskpane.html");
        var added = page.Locator(".group h3", new() { HasText = "rival.example.net" });
        await added.WaitForAsync();
        (await added.TextContentAsync()).Should().Contain("新しいドメイン");
        (await page.Locator(".group h3", new() { HasText = "customer.example.com" }).TextContentAsync()).Should().NotContain("新しいドメイン");
        (await page.Locator(".group h3", new() { HasText = "example.co.jp (社内)" }).TextContentAsync()).Should().NotContain("新しいドメイン",
            "a colleague joining the thread is not flagged");
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("taskpane-new-domain.ja.png"), FullPage = true });
    }

    /// <summary>Clicks Encrypt and returns the archive id the server answered with (from the protect response itself).</summary>
    private static async Task<string> EncryptAsync(IPage page, string button, string doneText)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync(),
            r => r.Url.EndsWith("/api/addin/protect", StringComparison.Ordinal));
        response.Status.Should().Be(200);
        var id = await response.HeaderValueAsync("x-safemail-archive-id");
        id.Should().NotBeNullOrEmpty();
        await page.Locator("#status", new() { HasText = doneText }).WaitForAsync();
        await page.Locator("#password-box:not([hidden])").WaitForAsync();
        return id!;
    }

    private static Task<string> ArchiveHeaderAsync(IPage page) =>
        page.EvaluateAsync<string>("window.__fake.headers['X-SafeMail-Archive-Id'] ?? ''");

    internal static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Miraie.SafeMail.sln")))
        {
            dir = dir.Parent!;
        }

        return Path.Combine(Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "screenshots")).FullName, name);
    }
}
