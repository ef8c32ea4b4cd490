using System.Net;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>
/// Learned suggestions: a customer's server refuses the gateway's encrypted ZIP; the dashboard proposes download links for
/// that domain with the evidence; an admin applies it in one click (a new policy version, audited) and the next message to
/// that domain goes as a link. Operators see the suggestion and cannot apply it.
/// </summary>
[NonParallelizable]
public class LinkSuggestionTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@strict.example.com";

    [Test]
    public async Task A_refused_encrypted_zip_becomes_a_one_click_switch_to_links_for_that_domain()
    {
        await using var upstream = await CapturingSmtpServer.StartAsync();
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = upstream.Host,
            ["SafeMail:Delivery:Smarthost:Port"] = upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
            ["SafeMail:Policy:Rules:0:Name"] = "by-domain",
            ["SafeMail:Policy:Rules:0:Action"] = "ByDomain",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        });
        upstream.EnqueueDataReply("554 5.7.1 Encrypted archives are not accepted by policy");
        var refused = await SendAsync(host, "見積書");
        await WaitAsync(host, refused, MessageState.Failed);

        using (var operatorClient = await host.SignedInAsync("operator1"))
        {
            var dashboard = await operatorClient.GetStringAsync("/");
            dashboard.Should().Contain("strict.example.com").And.Contain("Encrypted archives are not accepted").And.NotContain("handler=UseLink");
            using var forbidden = await ConsoleHost.PostFormAsync(operatorClient, "/?handler=UseLink", new() { ["domain"] = "strict.example.com" }, "/");
            forbidden.StatusCode.Should().Be(HttpStatusCode.Redirect);
            forbidden.Headers.Location!.OriginalString.Should().Contain("/denied");
        }

        using var admin = await host.SignedInAsync("admin1");
        (await admin.GetStringAsync("/")).Should().Contain("handler=UseLink");
        using (var apply = await ConsoleHost.PostFormAsync(admin, "/?handler=UseLink", new() { ["domain"] = "strict.example.com" }, "/"))
        {
            apply.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await admin.GetStringAsync("/")).Should().NotContain("handler=UseLink", "the domain is set: no more suggestion");
        await using (var connection = await host.Database.OpenAsync())
        {
            var version = (await Storage.Policy.PolicyVersions.ListAsync(connection)).Should().ContainSingle().Subject;
            version.Author.Should().Be("web:admin1");
            version.Comment.Should().Contain("strict.example.com").And.Contain("554 5.7.1", "the evidence is kept with the change");
            await using var audit = connection.CreateCommand();
            audit.CommandText = "SELECT COUNT(*) FROM audit WHERE action = 'policy-change' AND actor = 'web:admin1'";
            Convert.ToInt64(await audit.ExecuteScalarAsync()).Should().Be(1);
        }

        var next = await SendAsync(host, "見積書（再送）");
        await using (var connection = await host.Database.OpenAsync())
        {
            (await MessageTable.GetAsync(connection, next))!.Verdict.Should().Be("link", "the next message to that domain goes as a link");
        }
    }

    private static async Task<string> SendAsync(ConsoleHost host, string subject)
    {
        var message = Mail.Quote(subject, Customer);
        message.From.Clear();
        message.From.Add(new MimeKit.MailboxAddress(null, Sender));
        return await Mail.SendFromAsync(host.Smtp, message, Sender, Customer);
    }

    private static async Task WaitAsync(ConsoleHost host, string id, string state)
    {
        for (var i = 0; i < 150; i++)
        {
            await using var connection = await host.Database.OpenAsync();
            if ((await MessageTable.GetAsync(connection, id))!.State == state)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{id} never reached {state}");
    }
}
