using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Miraie.SafeMail.Gateway.Observability;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Observability;

/// <summary>
/// SafeMail:Observability: loopback unless AllowRemote says otherwise, plain http://ADDRESS:PORT, empty for off; a bad
/// value or a port in use stops safemail-gateway with one line naming the key (exit 78).
/// </summary>
public class ObservabilitySettingsTests
{
    private static IReadOnlyList<string> Problems(string urls, bool allowRemote = false) =>
        ObservabilityUrls.Parse(new ObservabilityOptions { Urls = urls, AllowRemote = allowRemote }).Problems;

    [TestCase("http://127.0.0.1:9465")]
    [TestCase("http://localhost:9465")]
    [TestCase("http://[::1]:9465/")]
    [TestCase("http://127.0.0.1:9465; http://[::1]:9465")]
    [TestCase("")]
    public void Loopback_addresses_and_nothing_at_all_are_accepted(string urls) => Problems(urls).Should().BeEmpty();

    [TestCase("http://0.0.0.0:9465")]
    [TestCase("http://[::]:9465")]
    [TestCase("http://192.0.2.10:9465")]
    [TestCase("http://127.0.0.1:9465;http://0.0.0.0:9466")]
    public void An_address_beyond_loopback_needs_AllowRemote(string urls)
    {
        Problems(urls).Should().ContainSingle().Which.Should().StartWith("SafeMail:Observability:Urls: ").And.Contain("SafeMail:Observability:AllowRemote");
        Problems(urls, allowRemote: true).Should().BeEmpty();
    }

    [TestCase("https://127.0.0.1:9465")]
    [TestCase("http://127.0.0.1:9465/metrics")]
    [TestCase("http://127.0.0.1")]
    [TestCase("http://metrics.example.co.jp:9465")]
    [TestCase("127.0.0.1:9465")]
    public void Anything_but_http_address_port_is_refused_by_key(string urls) =>
        Problems(urls, allowRemote: true).Should().ContainSingle().Which.Should().StartWith("SafeMail:Observability:Urls: ");

    [Test]
    public async Task Safemail_gateway_refuses_a_listener_beyond_loopback_in_one_line()
    {
        var directory = Directory.CreateTempSubdirectory("safemail-obs-").FullName;
        try
        {
            var run = await ProgramRun.RunAsync("safemail-gateway.dll", directory, $"--SafeMail:Gateway:DataDirectory={directory}",
                "--SafeMail:Smtp:Endpoints:0:Port=0", "--SafeMail:Observability:Urls=http://0.0.0.0:0");
            run.ShouldBeRefusedFor("safemail-gateway", "SafeMail:Observability:Urls");
            run.StandardError[0].Should().Contain("AllowRemote");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Safemail_gateway_refuses_an_observability_port_in_use_in_one_line()
    {
        var directory = Directory.CreateTempSubdirectory("safemail-obs-").FullName;
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var url = "http://127.0.0.1:" + ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        try
        {
            var run = await ProgramRun.RunAsync("safemail-gateway.dll", directory, $"--SafeMail:Gateway:DataDirectory={directory}",
                "--SafeMail:Smtp:Endpoints:0:Port=0", $"--SafeMail:Observability:Urls={url}");
            run.ShouldBeRefusedFor("safemail-gateway", "SafeMail:Observability:Urls");
            run.StandardError[0].Should().Contain(url).And.Contain("already in use");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task An_empty_list_starts_no_listener()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Observability:Urls"] = "" }, observability: true);
        gateway.Get<ObservabilityServer>().Addresses.Should().BeEmpty();
    }
}
