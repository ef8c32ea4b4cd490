using System.Net;
using System.Text;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>
/// Releasing is as careful as quarantining: the confirmation shows what goes out; disguised or executable content is an
/// admin's decision with a reason, refused by the server otherwise; rules read as words; every refusal is audited.
/// </summary>
[NonParallelizable]
public class ReleaseReviewTests
{
    private static readonly byte[] Script = Encoding.ASCII.GetBytes("#!/bin/sh\necho installing\n");

    private ConsoleHost _host = null!;

    [SetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync();

    [TearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task The_release_confirmation_shows_recipients_external_marked_each_attachment_with_its_finding_and_the_reasons()
    {
        var message = Mail.Quote("御見積書送付の件");
        message.To.Add(MimeKit.MailboxAddress.Parse("sato@example.co.jp"));
        var id = await Mail.SendToAsync(_host.Smtp, message, "buyer@customer.example.com", "sato@example.co.jp");
        using var op = await _host.SignedInAsync("operator1");

        var ja = WebUtility.HtmlDecode(await GetAsync(op, "/quarantine/confirm?op=release&ids=" + id, "ja"));
        ja.Should().Contain("buyer@customer.example.com (社外)").And.Contain("sato@example.co.jp (社内)");
        ja.Should().Contain("田中 太郎 <tanaka@example.co.jp>", "the From display name beside the envelope sender");
        ja.Should().Contain("<td class=\"depth-0\">見積書.pdf</td>").And.Contain("<td>PDF</td>").And.Contain(">暗号化されていません</span>");
        ja.Should().Contain("★ 見積書.pdf: 暗号化されていません（PDF）", "the verdict's reason in the user's language");
        ja.Should().Contain("社外宛てで暗号化されていない添付ファイル").And.Contain("解放の理由（任意）");

        var en = WebUtility.HtmlDecode(await GetAsync(op, "/quarantine/confirm?op=release&ids=" + id, "en"));
        en.Should().Contain("buyer@customer.example.com (external)").And.Contain(">not encrypted</span>").And.Contain("見積書.pdf: not encrypted (PDF)");
    }

    [Test]
    public async Task An_operator_is_told_why_executable_mail_needs_an_admin_and_a_forged_release_is_refused_by_the_server()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("設定ツール", fileName: "setup.sh", content: Script));
        using var op = await _host.SignedInAsync("operator1");

        var page = WebUtility.HtmlDecode(await GetAsync(op, "/quarantine/confirm?op=release&ids=" + id, "ja"));
        page.Should().Contain("管理者だけが理由を記録して解放できます").And.Contain($"{id} — 設定ツール: setup.sh");
        page.Should().Contain("<td>実行ファイル</td>").And.Contain(">実行ファイル</span>");
        page.Should().NotContain("件を解放する</button>", "the operator gets no release button");

        using var forged = await ConsoleHost.PostFormAsync(op, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = id, ["reason"] = "急ぎ" },
            "/quarantine/confirm?op=release&ids=" + id);
        forged.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        await using var connection = await _host.Database.OpenAsync();
        (await MessageTable.GetAsync(connection, id))!.State.Should().Be(MessageState.Quarantined);
        var refused = (await AuditLog.ForMessageAsync(connection, id)).Should().ContainSingle(h => h.Action == AuditActions.ReleaseRefused).Subject;
        refused.Actor.Should().Be("web:operator1");
        refused.Detail.Should().Contain("only an admin may release it: setup.sh");
        (await _host.WaitForPickupAsync(1, TimeSpan.FromSeconds(3))).Should().BeEmpty();
    }

    [Test]
    public async Task An_admin_releases_executable_mail_only_with_a_reason_which_the_audit_log_keeps()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("設定ツール", fileName: "setup.sh", content: Script));
        using var admin = await _host.SignedInAsync("admin1");
        var page = await GetAsync(admin, "/quarantine/confirm?op=release&ids=" + id, "ja");
        page.Should().Contain("解放の理由（必須）").And.Contain("required=\"required\"").And.Contain("1件を解放する</button>");

        using var without = await ConsoleHost.PostFormAsync(admin, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = id, ["reason"] = " " },
            "/quarantine/confirm?op=release&ids=" + id);
        without.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await without.Content.ReadAsStringAsync()).Should().Contain("解放する理由を入力してください");
        using var tooLong = await ConsoleHost.PostFormAsync(admin, "/quarantine/confirm",
            new() { ["op"] = "release", ["ids"] = id, ["reason"] = new string('長', 501) }, "/quarantine/confirm?op=release&ids=" + id);
        tooLong.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var released = await ConsoleHost.PostFormAsync(admin, "/quarantine/confirm",
            new() { ["op"] = "release", ["ids"] = id, ["reason"] = "取引先から依頼された設定スクリプトのため" }, "/quarantine/confirm?op=release&ids=" + id);
        released.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await _host.WaitForPickupAsync(1)).Should().ContainSingle();

        await using var connection = await _host.Database.OpenAsync();
        var history = await AuditLog.ForMessageAsync(connection, id);
        history.Should().ContainSingle(h => h.Action == AuditActions.Release).Which.Detail.Should().Contain("取引先から依頼された設定スクリプトのため").And.Contain("setup.sh");
        history.Count(h => h.Action == AuditActions.ReleaseRefused).Should().Be(1, "the release without a reason was refused and recorded");
    }

    [Test]
    public async Task A_bulk_release_with_executable_mail_is_refused_whole_for_an_operator_naming_it_and_offering_the_others()
    {
        var plain = await Mail.SendAsync(_host.Smtp, Mail.Quote("見積書"));
        var risky = await Mail.SendAsync(_host.Smtp, Mail.Quote("設定ツール", fileName: "setup.sh", content: Script));
        using var op = await _host.SignedInAsync("operator1");
        var confirm = $"/quarantine/confirm?op=release&ids={plain}&ids={risky}";

        var page = WebUtility.HtmlDecode(await GetAsync(op, confirm, "ja"));
        var block = page[page.IndexOf("id=\"admin-required\"", StringComparison.Ordinal)..];
        block[..block.IndexOf("</div>", StringComparison.Ordinal)].Should().Contain(risky).And.NotContain(plain + " —");
        page.Should().Contain($"href=\"/quarantine/confirm?op=release&ids={plain}\"", "a way to release the others alone");

        using var both = await op.PostAsync("/quarantine/confirm", new FormUrlEncodedContent(
        [
            new("op", "release"), new("ids", plain), new("ids", risky), new("__RequestVerificationToken", await ConsoleHost.TokenAsync(op, confirm)),
        ]));
        both.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await both.Content.ReadAsStringAsync()).Should().Contain("選択したほかのメールも解放していません");

        await using var connection = await _host.Database.OpenAsync();
        foreach (var id in new[] { plain, risky })
        {
            (await MessageTable.GetAsync(connection, id))!.State.Should().Be(MessageState.Quarantined, "nothing of the selection was released");
            (await AuditLog.ForMessageAsync(connection, id)).Should().ContainSingle(h => h.Action == AuditActions.ReleaseRefused);
        }

        using var others = await ConsoleHost.PostFormAsync(op, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = plain }, confirm);
        others.StatusCode.Should().Be(HttpStatusCode.Redirect, "the plain message alone is the operator's to release");
        (await MessageTable.GetAsync(connection, plain))!.State.Should().NotBe(MessageState.Quarantined);
    }

    [Test]
    public async Task A_release_of_mail_already_released_or_deleted_is_refused_and_audited()
    {
        var released = await Mail.SendAsync(_host.Smtp, Mail.Quote("一通目"));
        var deleted = await Mail.SendAsync(_host.Smtp, Mail.Quote("二通目"));
        using var op = await _host.SignedInAsync("operator1");
        await ConsoleHost.PostFormAsync(op, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = released }, "/quarantine/confirm?op=release&ids=" + released);
        await ConsoleHost.PostFormAsync(op, "/quarantine/confirm", new() { ["op"] = "delete", ["ids"] = deleted }, "/quarantine/confirm?op=delete&ids=" + deleted);

        foreach (var id in new[] { released, deleted })
        {
            using var again = await ConsoleHost.PostFormAsync(op, "/quarantine/confirm", new() { ["op"] = "release", ["ids"] = id }, "/quarantine/confirm?op=release&ids=" + id);
            again.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        await using var connection = await _host.Database.OpenAsync();
        (await AuditLog.ForMessageAsync(connection, released)).Should().ContainSingle(h => h.Action == AuditActions.ReleaseRefused)
            .Which.Detail.Should().Be("既に解放されています / already released");
        (await AuditLog.ForMessageAsync(connection, deleted)).Should().ContainSingle(h => h.Action == AuditActions.ReleaseRefused)
            .Which.Detail.Should().Be("削除済みです / deleted");
        using var auditor = await _host.SignedInAsync("auditor1");
        (await GetAsync(auditor, "/audit?action=release-refused", "ja")).Should().Contain("解放の拒否").And.Contain(released).And.Contain(deleted);
    }

    [Test]
    public async Task Lists_and_details_show_the_rule_in_the_users_language_with_the_id_for_admins_only_and_the_from_name()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("御見積書送付の件"));
        using var op = await _host.SignedInAsync("operator1");
        using var admin = await _host.SignedInAsync("admin1");

        foreach (var page in new[] { "/quarantine", "/quarantine/" + id, "/" })
        {
            var html = await GetAsync(op, page, "ja");
            html.Should().Contain("社外宛てで暗号化されていない添付ファイル", page).And.NotContain(">external-unprotected<", page).And.NotContain("rule-id", page);
            (await GetAsync(op, page, "en")).Should().Contain("External mail with attachments th", page); // the dashboard's bars shorten long labels
        }

        var list = await GetAsync(op, "/quarantine", "ja");
        list.Should().Contain("<span>田中 太郎</span><br><span class=\"muted\">tanaka@example.co.jp</span>");
        (await GetAsync(admin, "/quarantine", "ja")).Should().Contain("社外宛てで暗号化されていない添付ファイル <small class=\"muted rule-id\">external-unprotected</small>");
        (await GetAsync(admin, "/quarantine/" + id, "ja")).Should().Contain("<small class=\"muted rule-id\">external-unprotected</small>");
        (await GetAsync(admin, "/", "ja")).Should().Contain("<title>external-unprotected</title>");
    }

    [Test]
    public async Task Mail_stored_before_the_from_name_was_recorded_shows_it_from_the_stored_message()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("御見積書送付の件"));
        await using (var connection = await _host.Database.OpenAsync())
        {
            await using var old = connection.CreateCommand();
            old.CommandText = "UPDATE messages SET header_from_name = NULL, header_from = NULL";
            await old.ExecuteNonQueryAsync();
        }

        using var op = await _host.SignedInAsync("operator1");
        var detail = WebUtility.HtmlDecode(await GetAsync(op, "/quarantine/" + id, "ja"));
        detail.Should().Contain("<dt>差出人（From）</dt><dd>田中 太郎 <tanaka@example.co.jp></dd>");
        var confirm = WebUtility.HtmlDecode(await GetAsync(op, "/quarantine/confirm?op=release&ids=" + id, "ja"));
        confirm.Should().Contain("<dt>差出人（From）</dt><dd>田中 太郎 <tanaka@example.co.jp></dd>");
        (await GetAsync(op, "/quarantine", "ja")).Should().Contain(id).And.NotContain("田中 太郎", "the list never parses stored mail per row");
    }

    private static async Task<string> GetAsync(HttpClient client, string path, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync();
    }
}
