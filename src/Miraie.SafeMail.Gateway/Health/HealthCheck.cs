using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Gateway.Health;

/// <summary>
/// Whether the gateway works, from the outside: each node has reported recently, its SMTP endpoints answer with a
/// 220 greeting, its spool is writable, its last delivery went through; plus the queue's depth and oldest message.
/// What <c>safemail health</c> prints and what a monitoring system can run (exit code 0 healthy, 1 not).
/// </summary>
public static class HealthCheck
{
    /// <summary>One line of the report.</summary>
    /// <param name="Ok">False for a problem.</param>
    /// <param name="Text">What was found.</param>
    public sealed record Line(bool Ok, LocalizedText Text);

    /// <summary>Checks every node recorded in <paramref name="database"/>.</summary>
    public static async Task<IReadOnlyList<Line>> CheckAsync(GatewayDatabase database, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var lines = new List<Line>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var nodes = await NodeStatusTable.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (nodes.Count == 0)
        {
            lines.Add(new Line(false, new("稼働中のゲートウェイがありません（一度も起動していません）", "no gateway has ever reported: it has not run")));
        }

        foreach (var node in nodes)
        {
            var age = now - node.UpdatedAt;
            var fresh = age < HealthReporter.Interval * 3;
            lines.Add(new Line(fresh, fresh
                ? new($"ノード {node.NodeId}: 稼働中（{age.TotalSeconds:0}秒前に報告）", $"node {node.NodeId}: running (reported {age.TotalSeconds:0} s ago)")
                : new($"ノード {node.NodeId}: 応答がありません（最終報告 {node.UpdatedAt.ToLocalTime():yyyy/MM/dd HH:mm:ss}）",
                    $"node {node.NodeId}: not reporting (last report {node.UpdatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss})")));
            if (!fresh)
            {
                continue;
            }

            foreach (var endpoint in node.Listening)
            {
                var greeting = await GreetingAsync(endpoint, cancellationToken).ConfigureAwait(false);
                lines.Add(new Line(greeting?.StartsWith("220", StringComparison.Ordinal) == true, greeting is null
                    ? new($"SMTP {endpoint}: 接続できません", $"SMTP {endpoint}: cannot connect")
                    : new($"SMTP {endpoint}: {greeting}", $"SMTP {endpoint}: {greeting}")));
            }

            lines.Add(new Line(node.SpoolOk, node.SpoolOk
                ? new("スプール: 書き込み可能", "spool: writable")
                : new($"スプール: 書き込めません（{node.SpoolError}）", $"spool: not writable ({node.SpoolError})")));
            if (node.LastDeliveryAt is { } at)
            {
                var ok = node.LastDeliveryOk == true;
                lines.Add(new Line(ok, ok
                    ? new($"配送: 正常（{at.ToLocalTime():yyyy/MM/dd HH:mm:ss}）", $"delivery: ok ({at.ToLocalTime():yyyy-MM-dd HH:mm:ss})")
                    : new($"配送: 問題あり — {node.LastDeliveryNote}", $"delivery: failing — {node.LastDeliveryNote}")));
            }
        }

        var (depth, oldest) = await NodeStatusTable.QueueAsync(connection, cancellationToken).ConfigureAwait(false);
        var stale = oldest is { } o && now - o > TimeSpan.FromHours(1);
        lines.Add(new Line(!stale, new(
            string.Create(CultureInfo.InvariantCulture, $"配送キュー: {depth}件") + (oldest is { } first ? $"（最古 {first.ToLocalTime():yyyy/MM/dd HH:mm}）" : ""),
            string.Create(CultureInfo.InvariantCulture, $"queue: {depth} messages") + (oldest is { } f ? $" (oldest {f.ToLocalTime():yyyy-MM-dd HH:mm})" : ""))));
        return lines;
    }

    private static async Task<string?> GreetingAsync(string endpoint, CancellationToken cancellationToken)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var host = endpoint[..colon].Trim('[', ']');
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            await client.ConnectAsync(host is "0.0.0.0" ? "127.0.0.1" : host is "::" ? "::1" : host, port, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[512];
            var read = await client.GetStream().ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            await client.GetStream().WriteAsync("QUIT\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
