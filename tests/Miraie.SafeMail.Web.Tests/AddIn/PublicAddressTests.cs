using System.Net;
using System.Text.Json;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>
/// Without <c>SafeMail:AddIn:PublicUrl</c> the add-in's files name this server only from what is configured, or its loopback
/// address for a client on this machine: a forged Host header never reaches the served send handler or the allow list.
/// </summary>
[NonParallelizable]
public class PublicAddressTests
{
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
    {
        // Behind a proxy on 127.0.0.5 that tells the console about clients on other machines.
        ["SafeMail:Console:KnownProxies:0"] = "127.0.0.5",
    }, kestrel: true);

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? host, int from = 2, string? forwardedFor = null)
    {
        using var client = LoopbackClient.Create(_host.BaseAddress!, LoopbackClient.Address(from));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [TestCase("/addin/send-handler.js")]
    [TestCase("/.well-known/microsoft-officeaddins-allowed.json")]
    public async Task A_forged_host_header_is_never_written_into_what_outlook_loads(string path)
    {
        var (status, body) = await GetAsync(path, "evil.example");
        body.Should().NotContain("evil.example");
        status.Should().Be(HttpStatusCode.Conflict);
        body.Should().Contain("SafeMail:AddIn:PublicUrl", "the answer says what to configure");
    }

    [Test]
    public async Task A_client_on_this_machine_gets_the_loopback_address_it_used()
    {
        var port = _host.BaseAddress!.Port;
        var (status, script) = await GetAsync("/addin/send-handler.js", $"127.0.0.1:{port}");
        status.Should().Be(HttpStatusCode.OK);
        script.Should().Contain($"var SAFEMAIL_BASE = \"http://127.0.0.1:{port}\";");

        var (_, allowed) = await GetAsync("/.well-known/microsoft-officeaddins-allowed.json", $"localhost:{port}");
        JsonDocument.Parse(allowed).RootElement.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()).Should().Equal($"http://localhost:{port}");
    }

    [Test]
    public async Task A_client_on_another_machine_gets_no_address_even_with_a_loopback_host_header()
    {
        var (status, body) = await GetAsync("/addin/send-handler.js", "127.0.0.1", from: 5, forwardedFor: "198.51.100.7");
        status.Should().Be(HttpStatusCode.Conflict);
        body.Should().NotContain("SAFEMAIL_BASE = \"http");
    }
}
