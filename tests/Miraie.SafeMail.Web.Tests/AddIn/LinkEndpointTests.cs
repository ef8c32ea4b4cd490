using System.Net;
using System.Text.Json;
using Miraie.SafeMail.Storage.Links;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>
/// The pane's download links: a sender sees their own live links (subject, recipients with external marked, until when,
/// downloaded or not) and revokes one, once; someone else's link is 404 and stays live.
/// </summary>
[NonParallelizable]
public class LinkEndpointTests
{
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
    {
        ["SafeMail:AddIn:DevelopmentMode"] = "true",
        ["SafeMail:Policy:Rules:0:Name"] = "link-external",
        ["SafeMail:Policy:Rules:0:Action"] = "Link",
        ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
        ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
        ["SafeMail:Policy:Rules:1:Action"] = "Pass",
    });

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task A_sender_lists_and_revokes_their_own_links_only_once_and_not_anyone_elses()
    {
        var mine = await SendAsync("sato@example.co.jp", "見積書（佐藤）");
        var theirs = await SendAsync("ito@example.co.jp", "見積書（伊藤）");

        var list = await GetAsync("Sato@example.co.jp", "/api/addin/links");
        var item = list.GetProperty("items").EnumerateArray().Should().ContainSingle().Subject;
        item.GetProperty("id").GetString().Should().Be(mine);
        item.GetProperty("subject").GetString().Should().Be("見積書（佐藤）");
        item.GetProperty("recipients").EnumerateArray().Single().GetProperty("external").GetBoolean().Should().BeTrue();
        item.GetProperty("downloaded").GetBoolean().Should().BeFalse();
        item.GetProperty("expiresAtText").GetString().Should().EndWith(" JST");

        (await PostAsync("sato@example.co.jp", $"/api/addin/links/{theirs}/revoke")).Should().Be(HttpStatusCode.NotFound);
        (await PostAsync("sato@example.co.jp", $"/api/addin/links/{mine}/revoke")).Should().Be(HttpStatusCode.OK);
        (await PostAsync("sato@example.co.jp", $"/api/addin/links/{mine}/revoke")).Should().Be(HttpStatusCode.Conflict, "once");
        (await GetAsync("sato@example.co.jp", "/api/addin/links")).GetProperty("items").GetArrayLength().Should().Be(0, "a revoked link leaves the list");

        await using var connection = await _host.Database.OpenAsync();
        (await LinkTable.GetAsync(connection, mine))!.RevokedBy.Should().Be("addin:sato@example.co.jp");
        (await LinkTable.GetAsync(connection, theirs))!.RevokedAt.Should().BeNull();
    }

    private async Task<string> SendAsync(string from, string subject)
    {
        var message = Mail.Quote(subject, "buyer@customer.example.com");
        message.From.Clear();
        message.From.Add(new MimeKit.MailboxAddress(null, from));
        var id = await Mail.SendFromAsync(_host.Smtp, message, from, "buyer@customer.example.com");
        await using var connection = await _host.Database.OpenAsync();
        return (await LinkTable.ForMessageAsync(connection, id)).Single().Id;
    }

    private async Task<JsonElement> GetAsync(string sender, string path)
    {
        using var client = _host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-SafeMail-Dev-User", sender);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<HttpStatusCode> PostAsync(string sender, string path)
    {
        using var client = _host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("X-SafeMail-Dev-User", sender);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
