using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Miraie.SafeMail.Gateway.Links;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;

namespace Miraie.SafeMail.Gateway.Tests.Links;

/// <summary>
/// ダウンロードリンク end to end on real SMTP, the real download listener and the pickup folder: the message leaves
/// without its attachment and with the link; the code goes to the recipient's address only; the downloaded bytes are
/// the original's; wrong codes are limited; revoke and expiry refuse; retention deletes the files. Every step audited.
/// </summary>
public partial class DownloadLinkTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    private static readonly byte[] Sheet = System.Text.Encoding.UTF8.GetBytes("品名,数量,単価\r\nA-100,3,12000\r\n");

    private static Dictionary<string, string?> LinkExternal() => new()
    {
        ["SafeMail:Policy:Rules:0:Name"] = "link-external",
        ["SafeMail:Policy:Rules:0:Action"] = "Link",
        ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
        ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
        ["SafeMail:Policy:Rules:1:Action"] = "Pass",
    };

    private static MimeMessage TwoFiles()
    {
        var message = TestMessages.Mail(Sender, [Customer], "見積書の送付", TestMessages.Pdf, "御見積書.pdf");
        var mixed = (Multipart)message.Body!;
        mixed.Add(new MimePart("text", "csv") { Content = new MimeContent(new MemoryStream(Sheet)), FileName = "明細.csv", ContentTransferEncoding = ContentEncoding.Base64 });
        return message;
    }

    [Test]
    public async Task A_recipient_proves_the_address_with_a_code_and_downloads_the_very_bytes_sent_until_the_sender_revokes_the_link()
    {
        await using var gateway = await TestGateway.StartAsync(LinkExternal());
        var reply = await Mailer.SendAsync(gateway.Smtp, TwoFiles(), Sender, Customer);
        reply.Should().Contain("download link");
        var id = Mailer.QueueIdOf(reply);

        var mails = await MailsAsync(gateway, 2);
        var sent = mails.Single(m => m.Subject == "見積書の送付");
        sent.Attachments.Should().BeEmpty("the files left the message");
        sent.TextBody.Should().Contain("【添付ファイルのダウンロード】").And.Contain("御見積書.pdf").And.Contain("お世話になっております", "the sender's text is kept");
        var url = LinkUrl().Match(sent.TextBody!).Value;
        url.Should().NotBeEmpty();
        mails.Single(m => m.Subject!.StartsWith("【ダウンロードリンクで送信】", StringComparison.Ordinal)).TextBody.Should().Contain(url);

        using var browser = Browser(out var cookies);
        var first = await browser.GetStringAsync(url);
        first.Should().Contain("メールアドレス").And.NotContain("御見積書", "nothing of the link before the code").And.NotContain(Customer);

        // A stranger's address gets the same answer and no mail.
        (await PostAsync(browser, url + "/code", first, new() { ["address"] = "someone@else.example" })).Should().Contain("確認コードを送りました");
        var page = await PostAsync(browser, url + "/code", first, new() { ["address"] = Customer.ToUpperInvariant() });
        page.Should().Contain("確認コードを送りました");
        var codeMail = (await MailsAsync(gateway, 3)).Single(m => m.Subject!.StartsWith("【確認コード】", StringComparison.Ordinal));
        codeMail.To.Mailboxes.Single().Address.Should().Be(Customer);
        var code = Regex.Match(codeMail.Subject!, @"\d{6}").Value;

        (await PostAsync(browser, url + "/open", page, new() { ["address"] = Customer, ["code"] = code == "000000" ? "111111" : "000000" })).Should().Contain("確認コードが違います");
        using (var open = await PostRawAsync(browser, url + "/open", page, new() { ["address"] = Customer, ["code"] = code }))
        {
            open.StatusCode.Should().Be(HttpStatusCode.Redirect);
            open.Headers.Location!.ToString().Should().EndWith("/files");
        }

        (await browser.GetStringAsync(url + "/files")).Should().Contain("御見積書.pdf").And.Contain("明細.csv");
        using (var file = await browser.GetAsync(url + "/files/1"))
        {
            file.StatusCode.Should().Be(HttpStatusCode.OK);
            file.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("御見積書.pdf");
            (await file.Content.ReadAsByteArrayAsync()).Should().Equal(TestMessages.Pdf, "the file as it was attached");
        }

        await using (var zip = await browser.GetStreamAsync(url + "/all.zip"))
        {
            using var archive = new ZipArchive(zip);
            archive.Entries.Select(e => e.FullName).Should().Equal("御見積書.pdf", "明細.csv");
            await using var csv = await archive.GetEntry("明細.csv")!.OpenAsync();
            var copy = new MemoryStream();
            await csv.CopyToAsync(copy);
            copy.ToArray().Should().Equal(Sheet);
        }

        (await MailsAsync(gateway, 4)).Should().ContainSingle(m => m.Subject!.StartsWith("【ダウンロードされました】", StringComparison.Ordinal), "the sender hears of the first download, once");

        var linkId = url[(url.LastIndexOf('/') + 1)..];
        (await gateway.Get<LinkService>().RevokeAsync(linkId, "web:operator1", sender: "sato@example.co.jp")).Should().BeFalse("another sender cannot revoke it");
        (await gateway.Get<LinkService>().RevokeAsync(linkId, "addin:" + Sender, sender: Sender)).Should().BeTrue();
        (await gateway.Get<LinkService>().RevokeAsync(linkId, "addin:" + Sender, sender: Sender)).Should().BeFalse("once");
        using (var gone = await browser.GetAsync(url + "/files/1"))
        {
            gone.StatusCode.Should().Be(HttpStatusCode.Gone);
        }

        using (var gone = await browser.GetAsync(url))
        {
            gone.StatusCode.Should().Be(HttpStatusCode.Gone);
        }

        var history = (await gateway.HistoryAsync(id)).Select(a => a.Action).ToList();
        history.Should().Contain([AuditActions.LinkCreate, AuditActions.LinkView, AuditActions.LinkCode, AuditActions.LinkOpen, AuditActions.LinkDownload, AuditActions.LinkRefused, AuditActions.LinkRevoke]);
        (await gateway.HistoryAsync(id)).Where(a => a.Action == AuditActions.LinkCode).Should().ContainSingle("the stranger got no code");
    }

    [Test]
    public async Task Wrong_codes_are_limited_and_then_even_the_right_code_needs_a_new_one()
    {
        await using var gateway = await TestGateway.StartAsync(LinkExternal());
        await Mailer.SendAsync(gateway.Smtp, TwoFiles(), Sender, Customer);
        var url = LinkUrl().Match((await MailsAsync(gateway, 2)).Single(m => m.Subject == "見積書の送付").TextBody!).Value;
        using var browser = Browser(out _);
        var first = await browser.GetStringAsync(url);
        var page = await PostAsync(browser, url + "/code", first, new() { ["address"] = Customer });
        var code = Regex.Match((await MailsAsync(gateway, 3)).Single(m => m.Subject!.StartsWith("【確認コード】", StringComparison.Ordinal)).Subject!, @"\d{6}").Value;
        var wrong = code == "999999" ? "999998" : "999999";
        for (var i = 0; i < 5; i++)
        {
            (await PostAsync(browser, url + "/open", page, new() { ["address"] = Customer, ["code"] = wrong })).Should().Contain("確認コードが違います");
        }

        (await PostAsync(browser, url + "/open", page, new() { ["address"] = Customer, ["code"] = code })).Should().Contain("もう一度コードを送ってください");
        using var files = await browser.GetAsync(url + "/files/1");
        files.StatusCode.Should().Be(HttpStatusCode.Redirect, "not proven: back to the start");
    }

    [Test]
    public async Task An_expired_link_refuses_and_retention_deletes_its_files()
    {
        await using var gateway = await TestGateway.StartAsync(LinkExternal());
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TwoFiles(), Sender, Customer));
        var url = LinkUrl().Match((await MailsAsync(gateway, 2)).Single(m => m.Subject == "見積書の送付").TextBody!).Value;
        var linkId = url[(url.LastIndexOf('/') + 1)..];
        await using (var connection = await gateway.Get<SafeMailDatabase>().OpenAsync())
        {
            await using var expire = connection.CreateCommand();
            expire.CommandText = "UPDATE links SET expires_at = @past WHERE id = @id";
            Sql.Add(expire, "@past", DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());
            Sql.Add(expire, "@id", linkId);
            (await expire.ExecuteNonQueryAsync()).Should().Be(1);
        }

        using var browser = Browser(out _);
        using (var gone = await browser.GetAsync(url))
        {
            gone.StatusCode.Should().Be(HttpStatusCode.Gone);
            (await gone.Content.ReadAsStringAsync()).Should().Contain("有効期限が切れたか");
        }

        var link = (await gateway.Get<LinkService>().GetAsync(linkId))!;
        var stored = new MemoryStream();
        await gateway.Get<SafeMail.Storage.Links.LinkFileStore>().CopyToAsync(linkId, link.Files[0], stored);
        stored.ToArray().Should().Equal(TestMessages.Pdf, "kept until retention runs");

        (await gateway.Get<Gateway.Quarantine.RetentionService>().RunOnceAsync()).Note.Should().Contain("links 1");
        (await gateway.Get<LinkService>().GetAsync(linkId))!.PurgedAt.Should().NotBeNull();
        Func<Task> read = () => gateway.Get<SafeMail.Storage.Links.LinkFileStore>().CopyToAsync(linkId, link.Files[0], new MemoryStream());
        await read.Should().ThrowAsync<Exception>("the files are gone");
        (await gateway.HistoryAsync(id)).Should().Contain(a => a.Action == AuditActions.Purge && a.Detail!.Contains(linkId, StringComparison.Ordinal));
    }

    [Test]
    public async Task A_file_larger_than_a_stored_chunk_downloads_whole_twice_at_once()
    {
        // 2.5 chunks (PostgreSQL keeps a link's files in 1 MiB chunks, read one at a time into a pooled buffer).
        var photo = new byte[SafeMail.Storage.Links.LinkFileStore.ChunkSize * 5 / 2];
        System.Security.Cryptography.RandomNumberGenerator.Fill(photo);
        photo[0] = 0xFF; photo[1] = 0xD8; photo[2] = 0xFF; photo[3] = 0xE0; // a JPEG's first bytes: content the gateway identifies
        var message = TestMessages.Mail(Sender, [Customer], "現場写真", photo, "現場写真.jpg");
        await using var gateway = await TestGateway.StartAsync(LinkExternal());
        await Mailer.SendAsync(gateway.Smtp, message, Sender, Customer);
        var url = LinkUrl().Match((await MailsAsync(gateway, 2)).Single(m => m.Subject == "現場写真").TextBody!).Value;
        using var browser = Browser(out _);
        var page = await PostAsync(browser, url + "/code", await browser.GetStringAsync(url), new() { ["address"] = Customer });
        var code = Regex.Match((await MailsAsync(gateway, 3)).Single(m => m.Subject!.StartsWith("【確認コード】", StringComparison.Ordinal)).Subject!, @"\d{6}").Value;
        using (var open = await PostRawAsync(browser, url + "/open", page, new() { ["address"] = Customer, ["code"] = code }))
        {
            open.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        var downloads = await Task.WhenAll(browser.GetByteArrayAsync(url + "/files/1"), browser.GetByteArrayAsync(url + "/files/1"));
        downloads.Should().AllSatisfy(d => d.Should().Equal(photo, "the file as it was attached, every chunk in order"));
    }

    [Test]
    public async Task A_file_that_cannot_be_identified_is_quarantined_as_it_came_not_linked()
    {
        await using var gateway = await TestGateway.StartAsync(LinkExternal());
        var noise = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "データ", noise, "data.bin"), Sender, Customer));
        var record = (await gateway.RecordAsync(id))!;
        record.State.Should().Be(SafeMail.Storage.Messages.MessageState.Quarantined);
        record.FindingsJson.Should().Contain("ダウンロードリンクにせずに隔離しました").And.NotContain("暗号化せずに");
        (await gateway.Get<LinkService>().ListAsync(null)).Should().BeEmpty("no link was made");
    }

    [TestCase(true, "203.0.113.9", TestName = "Behind a known proxy the audit log names the recipient's address from X-Forwarded-For")]
    [TestCase(false, "127.0.0.1", TestName = "Without known proxies X-Forwarded-For is ignored: nobody can forge the address in the audit log")]
    public async Task The_client_address_in_the_audit_log(bool behindProxy, string expected)
    {
        var settings = LinkExternal();
        if (behindProxy)
        {
            settings["SafeMail:Download:KnownProxies:0"] = "127.0.0.1";
        }

        await using var gateway = await TestGateway.StartAsync(settings);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TwoFiles(), Sender, Customer));
        var url = LinkUrl().Match((await MailsAsync(gateway, 2)).Single(m => m.Subject == "見積書の送付").TextBody!).Value;
        using var browser = Browser(out _);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        (await browser.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await gateway.HistoryAsync(id)).Should().ContainSingle(a => a.Action == AuditActions.LinkView).Which.Detail.Should().EndWith($"({expected})");
    }

    private static async Task<List<MimeMessage>> MailsAsync(TestGateway gateway, int count) =>
        (await gateway.WaitForPickupAsync(count, TimeSpan.FromSeconds(30))).Select(f => MimeMessage.Load(f)).ToList();

    private static HttpClient Browser(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
    }

    private static async Task<string> PostAsync(HttpClient browser, string url, string page, Dictionary<string, string> fields)
    {
        using var response = await PostRawAsync(browser, url, page, fields);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient browser, string url, string page, Dictionary<string, string> fields)
    {
        fields["__af"] = WebUtility.HtmlDecode(Antiforgery().Match(page).Groups[1].Value);
        return await browser.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/d/[A-Za-z0-9_-]{22}")]
    private static partial Regex LinkUrl();

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
