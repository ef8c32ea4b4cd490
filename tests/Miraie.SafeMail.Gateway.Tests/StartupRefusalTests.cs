using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests;

/// <summary>
/// safemail-gateway refuses to start in one line per problem, naming the setting, with exit code 78 — a port in use, a
/// data directory in use and bad settings alike; no stack trace, no crash.
/// </summary>
public class StartupRefusalTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("safemail-refusal-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private Task<ProgramRun> RunAsync(params string[] settings) =>
        ProgramRun.RunAsync("safemail-gateway.dll", _directory, [$"--SafeMail:Gateway:DataDirectory={_directory}", .. settings]);

    [Test]
    public async Task A_port_in_use_is_one_line_naming_the_endpoint_setting_and_the_address()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var run = await RunAsync("--SafeMail:Smtp:Endpoints:0:Address=127.0.0.1", $"--SafeMail:Smtp:Endpoints:0:Port={port}");

        run.ShouldBeRefusedFor("safemail-gateway", "SafeMail:Smtp:Endpoints:0");
        run.StandardError[0].Should().Contain($"127.0.0.1:{port}").And.Contain("already in use");
    }

    [Test]
    public async Task Bad_settings_are_one_line_each_without_a_stack_trace()
    {
        var run = await RunAsync("--SafeMail:Smtp:Endpoints:0:Port=0", "--SafeMail:Smtp:MaxRecipients=0", "--SafeMail:Smtp:TrustedNetworks:0=0.0.0.0/00");

        run.ShouldBeRefusedFor("safemail-gateway", "SafeMail:Smtp:TrustedNetworks:0", "SafeMail:Smtp:MaxRecipients / MaxConnections");
    }

    [Test]
    public async Task A_data_directory_in_use_is_one_line_too()
    {
        await using var first = await GatewayProcess.StartAsync(_directory, new Dictionary<string, object?>
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = _directory },
            ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Port"] = 0 } } },
        });

        var run = await RunAsync("--SafeMail:Smtp:Endpoints:0:Port=0");

        run.ShouldBeRefusedFor("safemail-gateway", "SafeMail:Gateway:DataDirectory");
    }
}
