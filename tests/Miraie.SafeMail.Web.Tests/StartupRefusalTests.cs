using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Web.Tests;

/// <summary>
/// safemail-web refuses to start like safemail-gateway: one line naming the setting, exit code 78 — for the SMTP port of
/// the gateway it runs (RunGateway, the default), for the console's own HTTP port, for the observability listener, and for bad
/// gateway settings.
/// </summary>
public class StartupRefusalTests
{
    private string _directory = null!;
    private TcpListener _holder = null!;

    private string HeldPort => ((IPEndPoint)_holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("safemail-web-refusal-").FullName;
        _holder = new TcpListener(IPAddress.Loopback, 0);
        _holder.Start();
    }

    [TearDown]
    public void TearDown()
    {
        _holder.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<ProgramRun> RunAsync(string consoleUrl, string smtpPort) =>
        ProgramRun.RunAsync("safemail-web.dll", _directory, $"--SafeMail:Gateway:DataDirectory={_directory}", $"--SafeMail:Console:Urls={consoleUrl}",
            "--SafeMail:Smtp:Endpoints:0:Address=127.0.0.1", $"--SafeMail:Smtp:Endpoints:0:Port={smtpPort}");

    private static void ShouldBeOneLine(ProgramRun run, string key, string address)
    {
        run.ShouldBeRefusedFor("safemail-web", key);
        run.StandardError[0].Should().Contain(address).And.Contain("already in use");
    }

    [Test]
    public async Task The_gateways_smtp_port_in_use_is_one_line()
    {
        var run = await RunAsync("http://127.0.0.1:0", HeldPort);
        ShouldBeOneLine(run, "SafeMail:Smtp:Endpoints:0", $"127.0.0.1:{HeldPort}");
    }

    [Test]
    public async Task The_consoles_http_port_in_use_is_one_line()
    {
        var url = $"http://127.0.0.1:{HeldPort}";
        var run = await RunAsync(url, "0");
        ShouldBeOneLine(run, "SafeMail:Console:Urls", url);
    }

    [Test]
    public async Task The_observability_port_in_use_is_one_line()
    {
        var url = $"http://127.0.0.1:{HeldPort}";
        var run = await ProgramRun.RunAsync("safemail-web.dll", _directory, $"--SafeMail:Gateway:DataDirectory={_directory}",
            "--SafeMail:Console:Urls=http://127.0.0.1:0", "--SafeMail:Smtp:Endpoints:0:Port=0", $"--SafeMail:Observability:Urls={url}");
        ShouldBeOneLine(run, "SafeMail:Observability:Urls", url);
    }

    [Test]
    public async Task An_observability_listener_beyond_loopback_is_one_line_naming_AllowRemote()
    {
        var run = await ProgramRun.RunAsync("safemail-web.dll", _directory, $"--SafeMail:Gateway:DataDirectory={_directory}",
            "--SafeMail:Console:Urls=http://127.0.0.1:0", "--SafeMail:Smtp:Endpoints:0:Port=0", "--SafeMail:Observability:Urls=http://0.0.0.0:0");
        run.ShouldBeRefusedFor("safemail-web", "SafeMail:Observability:Urls");
        run.StandardError[0].Should().Contain("SafeMail:Observability:AllowRemote");
    }

    [Test]
    public async Task Bad_gateway_settings_are_one_line_without_a_stack_trace()
    {
        var run = await ProgramRun.RunAsync("safemail-web.dll", _directory, $"--SafeMail:Gateway:DataDirectory={_directory}",
            "--SafeMail:Console:Urls=http://127.0.0.1:0", "--SafeMail:Smtp:Endpoints:0:Port=0", "--SafeMail:Smtp:MaxRecipients=0");
        run.ShouldBeRefusedFor("safemail-web", "SafeMail:Smtp:MaxRecipients / MaxConnections");
    }
}
