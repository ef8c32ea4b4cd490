using System.Net;
using System.Net.Sockets;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>Settings for a gateway process under test (GatewayProcess writes them to its settings file).</summary>
internal static class GatewaySettings
{
    /// <summary>
    /// SMTP on 127.0.0.1 port 0; delivery to a smarthost on <paramref name="smarthostPort"/>, or into the pickup folder when
    /// null. Retries after 1–2 s, as TestGateway's: with the default minute, a message refused just before a test waits for
    /// it could come due only at the very end of the wait (MigrateToPostgresTests failed so in CI under load).
    /// </summary>
    public static Dictionary<string, object?> For(string data, string node, int? smarthostPort) => new()
    {
        ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = data, ["NodeId"] = node },
        ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
        ["Policy"] = new Dictionary<string, object?> { ["InternalDomains"] = new[] { "example.co.jp" } },
        ["Delivery"] = smarthostPort is { } port
            ? new Dictionary<string, object?>
            {
                ["Smarthost"] = new Dictionary<string, object?> { ["Host"] = "127.0.0.1", ["Port"] = port, ["Tls"] = "None" },
                ["InitialRetryDelay"] = "00:00:01",
                ["MaxRetryDelay"] = "00:00:02",
            }
            : new Dictionary<string, object?> { ["InitialRetryDelay"] = "00:00:01", ["MaxRetryDelay"] = "00:00:02" },
    };

    /// <summary>A port nothing listens on: deliveries there are refused and stay queued.</summary>
    public static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port; // closed again when disposed
    }
}
