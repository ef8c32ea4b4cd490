using System.Net;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Links;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>
/// The console's download links (/links): staff see every link and the storage they take; a sender signed in with Entra
/// ID sees and revokes only their own; auditors read and never revoke. Revoking is audited under the actor's name.
/// </summary>
[NonParallelizable]
public class LinkPagesTests
{
    private const string Tanaka = "tanaka@example.co.jp";
    private const string Suzuki = "suzuki@example.co.jp";

    private FakeEntraId _entra = null!;
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _entra = await FakeEntraId.StartAsync();
        var settings = FakeEntraId.ConsoleSettings();
        settings["SafeMail:Policy:Rules:0:Name"] = "link-external";
        settings["SafeMail:Policy:Rules:0:Action"] = "Link";
        settings["SafeMail:Policy:Rules:0:When:RecipientDomains:0"] = "link.example.com";
        settings["SafeMail:Policy:Rules:1:Name"] = "default-pass";
        settings["SafeMail:Policy:Rules:1:Action"] = "Pass";
        _host = await ConsoleHost.StartAsync(settings, testServices: _entra.RedirectConsoleMetadata);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _entra.DisposeAsync();
    }

    [Test]
    public async Task An_operator_sees_every_link_and_its_storage_and_revokes_one_under_their_name()
    {
        var (messageId, linkId) = await SendAsync(Tanaka, "リンク一覧テスト");
        using var operatorClient = await _host.SignedInAsync("operator1");
        var list = await operatorClient.GetStringAsync("/links");
        list.Should().Contain($"/links/{linkId}").And.Contain(Tanaka).And.Contain("有効・未ダウンロード").And.Contain("有効なリンク");

        var detail = await operatorClient.GetStringAsync($"/Links/{linkId}"); // the link in the sender's notice
        detail.Should().Contain("見積書.pdf").And.Contain("buyer@link.example.com").And.Contain("リンクを取り消す").And.Contain("/d/" + linkId);
        using (var revoke = await ConsoleHost.PostFormAsync(operatorClient, $"/links/{linkId}?handler=Revoke", [], $"/links/{linkId}"))
        {
            revoke.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await operatorClient.GetStringAsync($"/links/{linkId}")).Should().Contain("取り消し済み").And.NotContain("リンクを取り消す</button>");
        await using var connection = await _host.Database.OpenAsync();
        (await AuditLog.ForMessageAsync(connection, messageId)).Should().Contain(a => a.Action == AuditActions.LinkRevoke && a.Actor == "web:operator1");
    }

    [Test]
    public async Task A_sender_sees_and_revokes_only_their_own_links_and_an_auditor_never_revokes()
    {
        var (_, mine) = await SendAsync(Tanaka, "田中のリンク");
        var (_, theirs) = await SendAsync(Suzuki, "鈴木のリンク");
        using var tanaka = await SignInWithEntraAsync(Tanaka);
        var list = await tanaka.GetStringAsync("/links");
        list.Should().Contain($"/links/{mine}").And.NotContain($"/links/{theirs}");
        (await tanaka.GetAsync($"/links/{theirs}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "another sender's link is no such link");
        using (var refused = await ConsoleHost.PostFormAsync(tanaka, $"/links/{theirs}?handler=Revoke", [], $"/links/{mine}"))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        using (var auditor = await _host.SignedInAsync("auditor1"))
        {
            var page = await auditor.GetStringAsync($"/links/{mine}");
            page.Should().Contain("見積書.pdf").And.NotContain("リンクを取り消す</button>");
            using var forbidden = await ConsoleHost.PostFormAsync(auditor, $"/links/{mine}?handler=Revoke", [], $"/links/{mine}");
            forbidden.StatusCode.Should().Be(HttpStatusCode.Redirect);
            forbidden.Headers.Location!.OriginalString.Should().Contain("/denied", "auditors read, never act");
        }

        using (var revoke = await ConsoleHost.PostFormAsync(tanaka, $"/links/{mine}?handler=Revoke", [], $"/links/{mine}"))
        {
            revoke.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        await using var connection = await _host.Database.OpenAsync();
        (await LinkTable.GetAsync(connection, mine))!.RevokedAt.Should().NotBeNull();
        (await LinkTable.GetAsync(connection, theirs))!.RevokedAt.Should().BeNull();
    }

    private async Task<(string MessageId, string LinkId)> SendAsync(string from, string subject)
    {
        var message = Mail.Quote(subject, "buyer@link.example.com");
        message.From.Clear();
        message.From.Add(new MimeKit.MailboxAddress(null, from));
        var id = await Mail.SendFromAsync(_host.Smtp, message, from, "buyer@link.example.com");
        await using var connection = await _host.Database.OpenAsync();
        var link = (await LinkTable.ForMessageAsync(connection, id)).Should().ContainSingle().Subject;
        return (id, link.Id);
    }

    private async Task<HttpClient> SignInWithEntraAsync(string user)
    {
        _entra.WillSignIn(user, []);
        var browser = _host.Client();
        using var callback = await _entra.SignInAsync(browser);
        callback.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{user} signs in as a sender");
        return browser;
    }
}
