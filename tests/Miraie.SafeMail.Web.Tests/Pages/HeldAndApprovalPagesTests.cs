using System.Net;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>
/// The console's held mail (送信保留中) and approvals (承認待ち) pages, over mail the gateway held or sent for approval under
/// a policy from the settings: what operators, admins and auditors may see and do, and what employees signed in with
/// Entra ID (senders and approvers, known by their address) may — only their own mail, only what names them.
/// </summary>
[NonParallelizable]
public partial class HeldAndApprovalPagesTests
{
    private const string Tanaka = "tanaka@example.co.jp";
    private const string Suzuki = "suzuki@example.co.jp";
    private const string Bucho = "bucho@example.co.jp";
    private const string SecurityOffice = "security@example.co.jp";

    private FakeEntraId _entra = null!;
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _entra = await FakeEntraId.StartAsync();
        var settings = FakeEntraId.ConsoleSettings();
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "hold-external",
            ["SafeMail:Policy:Rules:0:Action"] = "Hold",
            ["SafeMail:Policy:Rules:0:HoldFor"] = "01:00:00",
            ["SafeMail:Policy:Rules:0:When:RecipientDomains:0"] = "hold.example.com",
            ["SafeMail:Policy:Rules:1:Name"] = "approve-bucho",
            ["SafeMail:Policy:Rules:1:Action"] = "Approve",
            ["SafeMail:Policy:Rules:1:Approvers:0"] = Bucho,
            ["SafeMail:Policy:Rules:1:When:RecipientDomains:0"] = "approve.example.com",
            ["SafeMail:Policy:Rules:2:Name"] = "approve-kacho",
            ["SafeMail:Policy:Rules:2:Action"] = "Approve",
            ["SafeMail:Policy:Rules:2:Approvers:0"] = "kacho@example.co.jp",
            ["SafeMail:Policy:Rules:2:When:RecipientDomains:0"] = "kacho.example.com",
            ["SafeMail:Policy:Rules:3:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:3:Action"] = "Pass",
            ["SafeMail:Incidents:SecurityOffice:0"] = SecurityOffice,
        })
        {
            settings[key] = value;
        }

        _host = await ConsoleHost.StartAsync(settings, testServices: _entra.RedirectConsoleMetadata);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _entra.DisposeAsync();
    }

    [Test]
    public async Task An_operator_sees_held_mail_in_the_list_and_its_detail_at_the_notice_link()
    {
        var id = await SendAsync(Tanaka, "buyer@hold.example.com", "保留一覧テスト");
        using var operatorClient = await _host.SignedInAsync("operator1");

        var list = await operatorClient.GetStringAsync("/held");
        list.Should().Contain("保留一覧テスト").And.Contain($"/held/{id}").And.Contain("社外 1件");
        list.Should().Contain("送信保留中（", "the menu shows the count");

        using var detail = await operatorClient.GetAsync($"/Held/{id}"); // the link in the notice
        detail.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await detail.Content.ReadAsStringAsync();
        html.Should().Contain("buyer@hold.example.com (社外)").And.Contain("見積書.pdf").And.Contain("暗号化されていません");
        html.Should().Contain("送信を取り消す").And.Contain("すぐに送信").And.Contain("あと 59分", "an hour's hold has just begun");
    }

    [Test]
    public async Task An_operator_cancels_held_mail_and_it_is_audited_under_their_name()
    {
        var id = await SendAsync(Tanaka, "buyer@hold.example.com", "取り消しテスト");
        using var operatorClient = await _host.SignedInAsync("operator1");

        using var response = await PostAsync(operatorClient, $"/held/{id}?handler=Cancel", $"/held/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be($"/held/{id}");
        (await operatorClient.GetStringAsync($"/held/{id}")).Should().Contain("送信を取り消しました。このメールは送信されません。").And.NotContain("すぐに送信");

        (await StateAsync(id)).State.Should().Be(MessageState.Cancelled);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:operator1" && row.Action == AuditActions.Cancel);
    }

    [Test]
    public async Task An_operator_sends_held_mail_now_and_the_page_says_so_in_English_when_asked()
    {
        var id = await SendAsync(Tanaka, "buyer@hold.example.com", "すぐに送信テスト");
        using var operatorClient = await _host.SignedInAsync("operator1");
        operatorClient.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        using var response = await PostAsync(operatorClient, $"/held/{id}?handler=SendNow", $"/held/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await operatorClient.GetStringAsync($"/held/{id}")).Should().Contain("The hold is lifted; the message is being sent now.");

        (await StateAsync(id)).State.Should().BeOneOf(MessageState.Queued, MessageState.Delivered);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:operator1" && row.Action == AuditActions.SendNow);
    }

    [Test]
    public async Task An_approver_signed_in_with_Entra_ID_reads_the_body_as_text_and_approves()
    {
        var id = await SendAsync(Tanaka, "partner@approve.example.com", "承認テスト");
        using var bucho = await SignInWithEntraAsync(Bucho);

        var list = await bucho.GetStringAsync("/approvals");
        list.Should().Contain("承認テスト").And.Contain("あなたの承認が必要なメール");
        var detail = await bucho.GetStringAsync($"/Approvals/{id}"); // the link in the approval request
        detail.Should().Contain("partner@approve.example.com (社外)").And.Contain("見積書.pdf").And.Contain("御見積書を添付いたします。");
        detail.Should().Contain("&lt;b&gt;太字ではありません&lt;/b&gt;", "the body is text, never HTML").And.Contain("承認して送信");

        using var response = await PostAsync(bucho, $"/approvals/{id}?handler=Approve", $"/approvals/{id}", new() { ["note"] = "確認しました" });
        response.Headers.Location!.OriginalString.Should().Be($"/approvals/{id}");
        (await bucho.GetStringAsync($"/approvals/{id}")).Should().Contain("承認しました。メールを送信します。");

        var message = await StateAsync(id);
        message.State.Should().BeOneOf(MessageState.Queued, MessageState.Delivered);
        message.DecidedBy.Should().Be("web:" + Bucho);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:" + Bucho && row.Action == AuditActions.Approve);
    }

    [Test]
    public async Task An_admin_approves_a_message_that_names_someone_else()
    {
        var id = await SendAsync(Tanaka, "partner@kacho.example.com", "管理者承認テスト");
        using var admin = await _host.SignedInAsync("admin1");
        (await admin.GetStringAsync("/approvals")).Should().Contain("管理者承認テスト");

        using var response = await PostAsync(admin, $"/approvals/{id}?handler=Approve", $"/approvals/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await StateAsync(id)).State.Should().BeOneOf(MessageState.Queued, MessageState.Delivered);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:admin1" && row.Action == AuditActions.Approve);
    }

    [Test]
    public async Task A_rejection_needs_a_reason_and_keeps_it()
    {
        var id = await SendAsync(Tanaka, "partner@approve.example.com", "却下テスト");
        using var bucho = await SignInWithEntraAsync(Bucho);

        using (var blank = await PostAsync(bucho, $"/approvals/{id}?handler=Reject", $"/approvals/{id}", new() { ["reason"] = "  " }))
        {
            blank.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await bucho.GetStringAsync($"/approvals/{id}")).Should().Contain("却下の理由を入力してください。");
        (await StateAsync(id)).State.Should().Be(MessageState.AwaitingApproval);

        using (var reasoned = await PostAsync(bucho, $"/approvals/{id}?handler=Reject", $"/approvals/{id}", new() { ["reason"] = "宛先が違います" }))
        {
            reasoned.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await bucho.GetStringAsync($"/approvals/{id}")).Should().Contain("却下しました。");
        var message = await StateAsync(id);
        message.State.Should().Be(MessageState.Declined);
        message.DecisionNote.Should().Be("宛先が違います");
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:" + Bucho && row.Action == AuditActions.Decline);
    }

    [Test]
    public async Task A_sender_sees_and_cancels_only_their_own_held_mail()
    {
        var theirs = await SendAsync(Tanaka, "buyer@hold.example.com", "田中さんの保留メール");
        var own = await SendAsync(Suzuki, "buyer@hold.example.com", "鈴木さんの保留メール");
        using var suzuki = await SignInWithEntraAsync(Suzuki);

        var list = await suzuki.GetStringAsync("/held");
        list.Should().Contain("鈴木さんの保留メール").And.NotContain("田中さんの保留メール");
        using (var other = await suzuki.GetAsync($"/held/{theirs}"))
        {
            other.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        using (var cancel = await PostAsync(suzuki, $"/held/{theirs}?handler=Cancel", $"/held/{own}"))
        {
            cancel.StatusCode.Should().Be(HttpStatusCode.NotFound, "another sender's mail is answered as no such message");
        }

        (await StateAsync(theirs)).State.Should().Be(MessageState.Held);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:" + Suzuki && row.Action == AuditActions.DecisionRefused);

        using (var mine = await PostAsync(suzuki, $"/held/{own}?handler=Cancel", $"/held/{own}"))
        {
            mine.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await StateAsync(own)).State.Should().Be(MessageState.Cancelled);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:" + Suzuki && row.Action == AuditActions.Cancel);
    }

    [Test]
    public async Task A_sender_sees_their_mail_awaiting_approval_but_cannot_approve_it()
    {
        var id = await SendAsync(Tanaka, "partner@approve.example.com", "自分では承認できない");
        using var tanaka = await SignInWithEntraAsync(Tanaka);

        (await tanaka.GetStringAsync("/approvals")).Should().Contain("あなたが送信し、承認を待っているメール").And.Contain("自分では承認できない");
        var detail = await tanaka.GetStringAsync($"/approvals/{id}");
        detail.Should().Contain("このメールは承認者の判断を待っています。").And.NotContain("承認して送信");

        using var response = await PostAsync(tanaka, $"/approvals/{id}?handler=Approve", $"/approvals/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await tanaka.GetStringAsync($"/approvals/{id}")).Should().Contain("このメールを操作する権限がありません。");
        (await StateAsync(id)).State.Should().Be(MessageState.AwaitingApproval);
    }

    [Test]
    public async Task An_approver_cannot_open_or_decide_a_message_that_does_not_name_them()
    {
        var id = await SendAsync(Tanaka, "partner@kacho.example.com", "課長あての承認依頼");
        using var bucho = await SignInWithEntraAsync(Bucho);

        (await bucho.GetStringAsync("/approvals")).Should().NotContain("課長あての承認依頼");
        using (var detail = await bucho.GetAsync($"/approvals/{id}"))
        {
            detail.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        using (var approve = await PostAsync(bucho, $"/approvals/{id}?handler=Approve", "/approvals"))
        {
            approve.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        (await StateAsync(id)).State.Should().Be(MessageState.AwaitingApproval);
    }

    [Test]
    public async Task An_auditor_reads_held_mail_and_approvals_but_cannot_act()
    {
        var held = await SendAsync(Tanaka, "buyer@hold.example.com", "監査担当の閲覧");
        var approval = await SendAsync(Tanaka, "partner@approve.example.com", "監査担当の閲覧（承認）");
        using var auditor = await _host.SignedInAsync("auditor1");

        (await auditor.GetStringAsync($"/held/{held}")).Should().Contain("監査担当の閲覧").And.NotContain("送信を取り消す");
        (await auditor.GetStringAsync($"/approvals/{approval}")).Should().Contain("御見積書を添付いたします。").And.NotContain("承認して送信");

        foreach (var (path, page) in new[] { ($"/held/{held}?handler=Cancel", $"/held/{held}"), ($"/held/{held}?handler=SendNow", $"/held/{held}"),
                     ($"/approvals/{approval}?handler=Approve", $"/approvals/{approval}"), ($"/approvals/{approval}?handler=Reject", $"/approvals/{approval}") })
        {
            using var response = await PostAsync(auditor, path, page, new() { ["reason"] = "監査担当による却下" });
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, path);
            response.Headers.Location!.OriginalString.Should().Contain("/denied", path);
        }

        (await StateAsync(held)).State.Should().Be(MessageState.Held);
        (await StateAsync(approval)).State.Should().Be(MessageState.AwaitingApproval);
    }

    [Test]
    public async Task A_sender_lands_on_their_held_mail_and_reaches_no_other_page()
    {
        using var suzuki = await SignInWithEntraAsync(Suzuki);
        using (var home = await suzuki.GetAsync("/"))
        {
            home.StatusCode.Should().Be(HttpStatusCode.Redirect);
            home.Headers.Location!.OriginalString.Should().Be("/held");
        }

        var held = await suzuki.GetStringAsync("/held");
        held.Should().Contain("送信者・承認者").And.NotContain("ダッシュボード").And.NotContain("href=\"/quarantine\"");
        foreach (var path in new[] { "/quarantine", "/audit", "/policy", "/users" })
        {
            using var response = await suzuki.GetAsync(path);
            response.Headers.Location!.OriginalString.Should().Contain("/denied", path);
        }
    }

    private async Task<string> SendAsync(string from, string to, string subject)
    {
        var message = Mail.Quote(subject, to);
        message.From.Clear();
        message.From.Add(new MimeKit.MailboxAddress(null, from));
        return await Mail.SendFromAsync(_host.Smtp, message, from, to);
    }

    private async Task<HttpClient> SignInWithEntraAsync(string user)
    {
        _entra.WillSignIn(user, []);
        var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);
        callback.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{user} signs in as a sender");
        callback.Headers.Location!.OriginalString.Should().Contain("handler=SignedIn", $"{user} is admitted");
        return browser;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string tokenPage, Dictionary<string, string>? fields = null) =>
        ConsoleHost.PostFormAsync(client, path, fields ?? [], tokenPage);

    private async Task<MessageRecord> StateAsync(string id)
    {
        await using var connection = await _host.Database.OpenAsync();
        return (await MessageTable.GetAsync(connection, id))!;
    }
}
