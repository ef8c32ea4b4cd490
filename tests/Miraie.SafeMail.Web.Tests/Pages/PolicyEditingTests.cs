using System.Net;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Policy;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>An admin edits the policy: the dry run shows both verdicts, saving applies to the next message, history can roll back.</summary>
[NonParallelizable]
public class PolicyEditingTests
{
    private ConsoleHost _host = null!;

    [SetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync();

    [TearDown]
    public void Stop() => _host.Dispose();

    private static Dictionary<string, string> Fields(string domains) => new()
    {
        ["Form.Domains"] = domains,
        ["Form.MaxDepth"] = "5",
        ["Form.MaxEntries"] = "1000",
        ["Form.MaxExpandedBytes"] = "209715200",
        ["Form.MaxExpansionRatio"] = "100",
        ["Form.RatioFloorBytes"] = "1048576",
        ["Form.TimeoutSeconds"] = "5",
        ["Form.Rules"] = """
            [
              { "Name": "external-unprotected", "Action": "Quarantine", "When": { "Recipients": "AnyExternal", "Attachment": { "Unprotected": true } } },
              { "Name": "default-pass", "Action": "Pass" }
            ]
            """,
    };

    [Test]
    public async Task Dry_run_shows_both_verdicts_then_saving_changes_the_next_message_and_rollback_restores()
    {
        var held = await Mail.SendAsync(_host.Smtp, Mail.Quote("前"));
        using var admin = await _host.SignedInAsync("admin1");

        var dryRun = Fields("example.co.jp\ncustomer.example.com");
        dryRun["dryRunId"] = held;
        using (var response = await ConsoleHost.PostFormAsync(admin, "/policy?handler=DryRun", dryRun, "/policy"))
        {
            var html = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            html.Should().Contain("data-verdict=\"Quarantine\"").And.Contain("data-verdict=\"Pass\"", "current quarantines, edited passes");
        }

        var save = Fields("example.co.jp\ncustomer.example.com");
        save["Form.Comment"] = "取引先を社内扱い";
        using (var saved = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", save, "/policy"))
        {
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        var next = await Mail.SendAsync(_host.Smtp, Mail.Quote("後"));
        await using (var connection = await _host.Database.OpenAsync())
        {
            (await MessageTable.GetAsync(connection, next))!.Verdict.Should().Be("pass", "the saved policy decides the very next message");
        }

        var history = await admin.GetStringAsync("/policy/history");
        history.Should().Contain("取引先を社内扱い").And.Contain("customer.example.com").And.Contain("diff-add");

        await using (var connection = await _host.Database.OpenAsync())
        {
            var saved = (await PolicyVersions.ListAsync(connection)).Should().ContainSingle().Subject;
            saved.Author.Should().Be("web:admin1");
            saved.Comment.Should().Be("取引先を社内扱い");
        }

        var restrict = Fields("example.co.jp");
        using (var again = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", restrict, "/policy"))
        {
            again.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await StateOfNextAsync()).Should().Be("quarantine");
        using (var rollback = await ConsoleHost.PostFormAsync(admin, "/policy/history?handler=Rollback", new() { ["id"] = "1" }, "/policy/history"))
        {
            rollback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await StateOfNextAsync()).Should().Be("pass", "version 1 is in force again");
    }

    [Test]
    public async Task A_broken_rule_is_refused_with_its_key_named_and_nothing_is_saved()
    {
        using var admin = await _host.SignedInAsync("admin1");
        var fields = Fields("example.co.jp");
        fields["Form.Rules"] = """[ { "Name": "x", "Action": "Quarantin" }, { "Name": "y", "Action": "Pass" } ]""";
        using var response = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", fields, "/policy");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("SafeMail:Policy:Rules:0:Action").And.Contain("Quarantin");

        fields["Form.Rules"] = "[ { \"Name\": ";
        using var broken = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", fields, "/policy");
        (await broken.Content.ReadAsStringAsync()).Should().Contain("JSON");

        await using var connection = await _host.Database.OpenAsync();
        (await PolicyVersions.CurrentIdAsync(connection)).Should().Be(0);
    }

    [Test]
    public async Task ZipCrypto_domains_are_saved_shown_again_and_a_bad_one_is_named_by_key()
    {
        using var admin = await _host.SignedInAsync("admin1");
        var fields = Fields("example.co.jp");
        fields["Form.ZipCryptoDomains"] = "old-partner.example.jp\n*.windows.example";
        fields["Form.FileDeliveryDefault"] = "Link";
        fields["Form.FileDeliveryDomains"] = "plain.example.com = Plain\n*.bank.example = Block";
        fields["Form.Rules"] = """[ { "Name": "encrypt-external", "Action": "Encrypt", "When": { "Recipients": "AnyExternal" } }, { "Name": "rest", "Action": "Pass" } ]""";
        using (var saved = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", fields, "/policy"))
        {
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        var page = await admin.GetStringAsync("/policy");
        page.Should().Contain("old-partner.example.jp&#xA;*.windows.example</textarea>").And.Contain("&quot;Encrypt&quot;");
        page.Should().Contain("plain.example.com = Plain&#xA;*.bank.example = Block</textarea>").And.Contain("<option value=\"Link\" selected=\"selected\">");
        await using (var first = await _host.Database.OpenAsync())
        {
            (await PolicyVersions.ListAsync(first)).Should().ContainSingle().Which.Json.Should().MatchRegex("\"Domain\":\\s*\"\\*\\.bank\\.example\",\\s*\"Mode\":\\s*\"Block\"");
        }

        fields["Form.FileDeliveryDomains"] = "fax.example.com = Fax";
        using (var badMode = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", fields, "/policy"))
        {
            (await badMode.Content.ReadAsStringAsync()).Should().Contain("SafeMail:Policy:FileDelivery:Domains:0:Mode");
        }

        fields["Form.FileDeliveryDomains"] = "";

        fields["Form.ZipCryptoDomains"] = "bad..domain";
        using var refused = await ConsoleHost.PostFormAsync(admin, "/policy?handler=Save", fields, "/policy");
        (await refused.Content.ReadAsStringAsync()).Should().Contain("SafeMail:Policy:ZipCryptoDomains:0");
        await using var connection = await _host.Database.OpenAsync();
        (await PolicyVersions.CurrentIdAsync(connection)).Should().Be(1, "the bad domain was not saved");
    }

    private async Task<string> StateOfNextAsync()
    {
        var id = await Mail.SendAsync(_host.Smtp, Mail.Quote("次"));
        await using var connection = await _host.Database.OpenAsync();
        return (await MessageTable.GetAsync(connection, id))!.Verdict;
    }
}
