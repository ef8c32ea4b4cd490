using System.Net;
using System.Text;
using Miraie.SafeMail.Web.Audit;
using Miraie.SafeMail.Web.Quarantine;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>What operators, admins and auditors rely on, through the real host and a real SMTP client.</summary>
[NonParallelizable]
public class ConsoleBehaviourTests
{
    private ConsoleHost _host = null!;

    [SetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync();

    [TearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task Script_and_bidi_characters_in_subject_sender_name_and_attachment_name_are_shown_inert()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("<script>alert('subject')</script>見積", fileName: "請求書\u202Efdp.exe", fromName: "<img src=x onerror=alert(1)>"));
        using var admin = await _host.SignedInAsync("admin1");
        foreach (var page in new[] { "/quarantine", "/quarantine/" + id, "/audit" })
        {
            var html = await admin.GetStringAsync(page);
            html.Should().NotContain("<script>alert", page).And.NotContain("<img src=x", page).And.NotContain("\u202E", page);
        }

        var detail = await admin.GetStringAsync("/quarantine/" + id);
        detail.Should().Contain("&lt;script&gt;alert(&#x27;subject&#x27;)&lt;/script&gt;見積", "the subject is shown as text");
        WebUtility.HtmlDecode(detail).Should().Contain("請求書[U+202E]fdp.exe", "the right-to-left override is made visible");
        detail.Should().Contain("&lt;b&gt;太字ではありません&lt;/b&gt;", "the body is text, never markup");
    }

    [Test]
    public async Task The_message_page_lists_the_parts_treated_as_body_in_the_reader_s_language()
    {
        // Issue 12: a signed mail with a plain xlsx is quarantined for the xlsx; its smime.p7s is body, and the page says so.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Miraie.SafeMail.sln")))
        {
            root = root.Parent!;
        }

        var corpus = Path.Combine(root.FullName, "tests", "corpus", "out", "messages", "ext-smime-signed-plain-xlsx.eml");
        var id = await Mail.SendAsync(_host.Smtp, MimeKit.MimeMessage.Load(corpus));
        using var op = await _host.SignedInAsync("operator1");
        foreach (var (language, heading, detail) in new[]
        {
            ("ja-JP", "本文として扱った部分", "S/MIME の電子署名（CMS SignedData、分離署名）"),
            ("en-US", "Treated as body", "S/MIME signature (CMS SignedData, detached)"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/quarantine/" + id);
            request.Headers.AcceptLanguage.ParseAdd(language);
            var html = WebUtility.HtmlDecode(await (await op.SendAsync(request)).Content.ReadAsStringAsync());
            html.Should().Contain($"<h2>{heading}</h2>").And.Contain("smime.p7s").And.Contain("application/pkcs7-signature").And.Contain(detail);
            html.Should().Contain("顧客一覧.xlsx", "the xlsx is the attachment");
        }
    }

    [Test]
    public async Task The_dashboard_shows_every_node_with_its_state_last_report_and_the_queue_it_holds()
    {
        // A second node that died holding two leased messages, and a third that stopped on purpose, beside this host's own node.
        var now = DateTimeOffset.UtcNow;
        await using (var connection = await _host.Database.OpenAsync())
        {
            await Storage.Nodes.NodeStatusTable.WriteAsync(connection, null, new Storage.Nodes.NodeStatus("gw-dead", now.AddMinutes(-5), ["10.0.0.2:25"], true, null, null, null, null));
            await Storage.Nodes.NodeStatusTable.WriteAsync(connection, null, new Storage.Nodes.NodeStatus("gw-maint", now.AddMinutes(-1), ["10.0.0.3:25"], true, null, null, null, null));
            await Storage.Nodes.NodeStatusTable.MarkStoppedAsync(connection, "gw-maint", now.AddMinutes(-1));
            foreach (var id in new[] { "held-1", "held-2" })
            {
                await Storage.Messages.MessageTable.InsertAsync(connection, null, new Storage.Messages.MessageRecord
                {
                    Id = id, ReceivedAt = now, NodeId = "gw-dead", EnvelopeFrom = "tanaka@example.co.jp", Size = 1, State = "queued", Verdict = "pass",
                    Rule = "default", Confirmation = "absent", External = false, FindingsJson = "[]", Origin = "smtp", NextAttemptAt = now,
                    Recipients = [new Storage.Messages.RecipientRecord("suzuki@example.co.jp", false, Storage.Messages.RecipientState.Pending, null)],
                }, "gw-dead", now.AddHours(1));
            }
        }

        using var auditor = await _host.SignedInAsync("auditor1");
        var html = WebUtility.HtmlDecode(await auditor.GetStringAsync("/"));
        html.Should().MatchRegex(@"<td>web-test</td>\s*<td>稼働中</td>");
        html.Should().MatchRegex(@"<td>gw-dead</td>\s*<td>応答なし</td>\s*<td>[^<]+</td>\s*<td>2</td>", "the dead node still holds its two messages");
        html.Should().MatchRegex(@"<td>gw-maint</td>\s*<td>停止中（正常停止）</td>");
    }

    [Test]
    public async Task Releasing_twice_at_once_from_two_operators_delivers_once_and_both_are_audited_once()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("二重解放"));
        using var first = await _host.SignedInAsync("operator1");
        using var second = await _host.SignedInAsync("admin1");
        var a = ConsoleHost.PostFormAsync(first, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = id }, "/quarantine/confirm?op=release&ids=" + id);
        var b = ConsoleHost.PostFormAsync(second, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = id }, "/quarantine/confirm?op=release&ids=" + id);
        await Task.WhenAll(a, b);

        (await _host.WaitForPickupAsync(1)).Should().ContainSingle();
        await Task.Delay(2500); // a second delivery, if there were one, would come with the next poll
        Directory.GetFiles(_host.PickupDirectory, "*.eml").Should().ContainSingle();
        var detail = await first.GetStringAsync("/quarantine/" + id);
        detail.Should().NotContain("/quarantine/confirm?op=release", "a released message offers no second release");
        await using var connection = await _host.Database.OpenAsync();
        var history = await Miraie.SafeMail.Storage.Audit.AuditLog.ForMessageAsync(connection, id);
        history.Count(h => h.Action == "release").Should().Be(1);
    }

    [Test]
    public async Task Quarantine_list_filters_by_domain_kind_reason_and_search()
    {
        var pdf = await Mail.SendAsync(_host.Smtp, Mail.Quote("請求書の件"));
        var other = await Mail.SendAsync(_host.Smtp, Mail.Quote("別件", to: "someone@other.example.net"), "someone@other.example.net");
        using var op = await _host.SignedInAsync("operator1");

        var byDomain = await op.GetStringAsync("/quarantine?domain=customer.example.com");
        byDomain.Should().Contain(pdf).And.NotContain(other);
        var bySearch = await op.GetStringAsync("/quarantine?q=" + Uri.EscapeDataString("別件"));
        bySearch.Should().Contain(other).And.NotContain(pdf);
        var byKind = await op.GetStringAsync("/quarantine?kind=pdf&reason=external-unprotected");
        byKind.Should().Contain(pdf).And.Contain(other);
        var noneByKind = await op.GetStringAsync("/quarantine?kind=zip");
        noneByKind.Should().NotContain(pdf).And.NotContain(other);
    }

    [Test]
    public async Task A_list_longer_than_a_page_counts_them_all_and_pages_and_the_sender_filter_ignores_case()
    {
        var ids = new List<string>();
        for (var i = 0; i <= QuarantineFilter.PageSize; i++)
        {
            ids.Add(await Mail.SendAsync(_host.Smtp, Mail.Quote($"見積 {i:00}")));
        }

        using var op = await _host.SignedInAsync("operator1");
        var first = await op.GetStringAsync("/quarantine?sort=received-asc");
        first.Should().Contain($"{QuarantineFilter.PageSize + 1} 件", "the total is counted beyond the first page")
            .And.Contain(ids[0]).And.NotContain(ids[^1]);
        var second = await op.GetStringAsync("/quarantine?sort=received-asc&page=2");
        second.Should().Contain(ids[^1]).And.NotContain(ids[0]);

        var bySender = await op.GetStringAsync("/quarantine?sender=TANAKA%40Example&page=2&sort=received-asc");
        bySender.Should().Contain($"{QuarantineFilter.PageSize + 1} 件").And.Contain(ids[^1]);
        var byOtherSender = await op.GetStringAsync("/quarantine?sender=suzuki");
        byOtherSender.Should().Contain("0 件").And.NotContain(ids[0]);
        using var far = await op.GetAsync("/quarantine?page=2147483647");
        far.StatusCode.Should().Be(HttpStatusCode.OK, "a page past the end is empty, not an error");
    }

    [Test]
    public async Task The_audit_log_pages_past_its_first_hundred_rows()
    {
        await using (var connection = await _host.Database.OpenAsync())
        {
            for (var i = 0; i < AuditFilter.PageSize; i++)
            {
                await Miraie.SafeMail.Storage.Audit.AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, "web:admin1", "user-change", null, $"row-{i:000}");
            }
        }

        using var auditor = await _host.SignedInAsync("auditor1");
        var first = await auditor.GetStringAsync("/audit");
        first.Should().Contain("row-099").And.NotContain("row-000", "newest first: the oldest row is on the second page");
        var second = await auditor.GetStringAsync("/audit?page=2");
        second.Should().Contain("row-000").And.NotContain("row-099");
        using var far = await auditor.GetAsync("/audit?page=2147483647");
        far.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task The_audit_export_is_utf8_with_bom_for_excel_and_defuses_formulas()
    {
        await using (var connection = await _host.Database.OpenAsync())
        {
            await Miraie.SafeMail.Storage.Audit.AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, "web:admin1", "release", null, "=HYPERLINK(\"http://evil\")");
        }

        using var auditor = await _host.SignedInAsync("auditor1");
        using var response = await auditor.GetAsync("/audit/export");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).Should().Equal(0xEF, 0xBB, 0xBF);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        text.Should().Contain("解放").And.Contain("\"'=HYPERLINK(\"\"http://evil\"\")\"");
        text.Should().Contain("export", "the export itself is recorded");
    }

    [Test]
    public async Task Pages_follow_the_browser_language_and_the_switch_overrides_it()
    {
        using var client = await _host.SignedInAsync("operator1");
        using (var japanese = new HttpRequestMessage(HttpMethod.Get, "/quarantine"))
        {
            japanese.Headers.AcceptLanguage.ParseAdd("ja-JP,ja;q=0.9");
            (await (await client.SendAsync(japanese)).Content.ReadAsStringAsync()).Should().Contain("<h1>隔離メール</h1>");
        }

        using (var english = new HttpRequestMessage(HttpMethod.Get, "/quarantine"))
        {
            english.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
            (await (await client.SendAsync(english)).Content.ReadAsStringAsync()).Should().Contain("<h1>Quarantine</h1>");
        }

        using var switched = await ConsoleHost.PostFormAsync(client, "/lang", new() { ["lang"] = "en", ["returnUrl"] = "/quarantine" }, "/quarantine");
        switched.Headers.Location!.ToString().Should().Be("/quarantine");
        using var after = new HttpRequestMessage(HttpMethod.Get, "/quarantine");
        after.Headers.AcceptLanguage.ParseAdd("ja-JP");
        (await (await client.SendAsync(after)).Content.ReadAsStringAsync()).Should().Contain("<h1>Quarantine</h1>", "the switch wins over the browser");

        using var offsite = await ConsoleHost.PostFormAsync(client, "/lang", new() { ["lang"] = "ja", ["returnUrl"] = "https://evil.example/" }, "/quarantine");
        offsite.Headers.Location!.ToString().Should().Be("/", "never an open redirect");
    }
}
