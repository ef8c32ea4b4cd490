using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// <c>safemail links</c> as a separate process against a running <c>safemail-gateway</c> on one settings file: the link a
/// message became is listed and shown, revoked once (the page then refuses it), and unknown ids are refused.
/// </summary>
[NonParallelizable]
public class LinksCommandTests
{
    private string _data = null!;
    private string _settings = null!;
    private GatewayProcess _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _data = Directory.CreateTempSubdirectory("safemail-links-").FullName;
        _gateway = await GatewayProcess.StartAsync(_data, new Dictionary<string, object?>
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = _data, ["NodeId"] = "links-node", ["ServerName"] = "gw.links.test" },
            ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
            ["Policy"] = new Dictionary<string, object?>
            {
                ["InternalDomains"] = new[] { "example.co.jp" },
                ["Rules"] = new object[]
                {
                    new Dictionary<string, object?> { ["Name"] = "link-external", ["Action"] = "Link", ["When"] = new Dictionary<string, object?> { ["Recipients"] = "AnyExternal" } },
                    new Dictionary<string, object?> { ["Name"] = "default-pass", ["Action"] = "Pass" },
                },
            },
        });
        _settings = Path.Combine(_data, "settings.json");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Test]
    public async Task A_link_is_listed_shown_and_revoked_once_and_the_page_then_refuses_it()
    {
        var queueId = await SendAsync();
        var list = await Safemail("links", "list", "--json");
        list.ExitCode.Should().Be(0, list.Error);
        string id;
        string url;
        using (var json = JsonDocument.Parse(list.Out))
        {
            var link = json.RootElement.EnumerateArray().Should().ContainSingle().Subject;
            link.GetProperty("messageId").GetString().Should().Be(queueId);
            id = link.GetProperty("id").GetString()!;
            link.GetProperty("url").GetString().Should().EndWith("/d/" + id);
        }

        // The gateway process knows the port it listens on (0 in the settings); the mail it delivered carries the link.
        url = await LinkInPickupAsync(id);

        using var http = new HttpClient();
        (await http.GetAsync(url)).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);

        var show = await SafemailIn("ja", "links", "show", id);
        show.Out.Should().Contain("見積書.pdf").And.Contain("buyer@customer.example.com").And.Contain("有効");
        var revoke = await SafemailIn("ja", "links", "revoke", id, "--by", "yamada");
        revoke.ExitCode.Should().Be(0, revoke.Error);
        revoke.Out.Should().Contain("リンクを取り消しました");
        (await http.GetAsync(url)).StatusCode.Should().Be(System.Net.HttpStatusCode.Gone);

        var again = await Safemail("links", "revoke", id);
        again.ExitCode.Should().Be(65);
        again.Error.Should().Contain("no longer live").And.Contain("revoked");
        (await Safemail("links", "revoke", "AAAAAAAAAAAAAAAAAAAAAA")).ExitCode.Should().Be(66, "an unknown id");
        (await SafemailIn("ja", "links", "list")).Out.Should().Contain("取り消し済み");
    }

    private async Task<string> LinkInPickupAsync(string id)
    {
        var pickup = Path.Combine(_data, "pickup");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var file in Directory.Exists(pickup) ? Directory.GetFiles(pickup, "*.eml") : [])
            {
                var text = (await MimeMessage.LoadAsync(file)).TextBody ?? "";
                var match = System.Text.RegularExpressions.Regex.Match(text, @"http://127\.0\.0\.1:\d+/d/" + System.Text.RegularExpressions.Regex.Escape(id));
                if (match.Success)
                {
                    return match.Value;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the message with the link did not arrive in the pickup folder");
    }

    private Task<SafemailProcess.Result> Safemail(params string[] args) => SafemailProcess.RunAsync(["--settings", _settings, .. args]);

    private Task<SafemailProcess.Result> SafemailIn(string language, params string[] args) =>
        SafemailProcess.RunInAsync(language, null, ["--settings", _settings, .. args]);

    private async Task<string> SendAsync()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("tanaka@example.co.jp"));
        message.To.Add(MailboxAddress.Parse("buyer@customer.example.com"));
        message.Subject = "見積書";
        var body = new BodyBuilder { TextBody = "お世話になっております。" };
        body.Attachments.Add("見積書.pdf", TestMessages.Pdf);
        message.Body = body.ToMessageBody();
        using var client = new SmtpClient { LocalDomain = "client.test" };
        await client.ConnectAsync("127.0.0.1", _gateway.Smtp.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return reply[(reply.LastIndexOf(' ') + 1)..];
    }
}
