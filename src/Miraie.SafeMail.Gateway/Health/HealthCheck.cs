using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Nodes;

namespace Miraie.SafeMail.Gateway.Health;

/// <summary>
/// Whether the gateway works, from the outside: each node has reported recently, its SMTP endpoints answer with a
/// 220 greeting, its spool is writable, its last delivery went through, its retention purge ran within two intervals
/// without an error; plus the queue's depth and oldest message. Times are shown in <see cref="DisplayTime"/>'s zone.
/// What <c>safemail health</c> prints and what a monitoring system can run (exit code 0 healthy, 1 not).
/// </summary>
public static class HealthCheck
{
    /// <summary>One line of the report.</summary>
    /// <param name="Ok">False for a problem.</param>
    /// <param name="Text">What was found.</param>
    public sealed record Line(bool Ok, LocalizedText Text);

    /// <summary>Checks every node recorded in <paramref name="database"/>.</summary>
    public static async Task<IReadOnlyList<Line>> CheckAsync(SafeMailDatabase database, TimeProvider time, DisplayTime display,
        CancellationToken cancellationToken = default)
    {
        var lines = new List<Line>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var nodes = await NodeStatusTable.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var held = await NodeStatusTable.HeldAsync(connection, now, cancellationToken).ConfigureAwait(false);
        if (nodes.Count == 0)
        {
            lines.Add(new Line(false, new("稼働中のゲートウェイがありません（一度も起動していません）", "no gateway has ever reported: it has not run")));
        }

        foreach (var node in nodes)
        {
            if (node.StoppedAt is { } stopped)
            {
                // Stopped on purpose: its leases were handed back, the other nodes deliver its queue. Not a fault.
                lines.Add(new Line(true, new($"ノード {node.NodeId}: 停止中（{display.FormatSeconds(stopped)} に正常停止、配送待ちは他のノードへ引き継ぎ済み）",
                    $"node {node.NodeId}: stopped ({display.FormatSeconds(stopped)}, a graceful stop; its queue went to the other nodes)")));
                continue;
            }

            var age = now - node.UpdatedAt;
            var fresh = age < HealthReporter.Interval * 3;
            lines.Add(new Line(fresh, fresh
                ? new($"ノード {node.NodeId}: 稼働中（{age.TotalSeconds:0}秒前に報告）", $"node {node.NodeId}: running (reported {age.TotalSeconds:0} s ago)")
                : new($"ノード {node.NodeId}: 応答がありません（最終報告 {display.FormatSeconds(node.UpdatedAt)}）",
                    $"node {node.NodeId}: not reporting (last report {display.FormatSeconds(node.UpdatedAt)})")));
            var holds = held.GetValueOrDefault(node.NodeId);
            if (!fresh)
            {
                if (holds > 0)
                {
                    lines.Add(new Line(false, new(
                        string.Create(CultureInfo.InvariantCulture, $"  配送待ち {holds}件 を保持したままです（リース期限後に他のノードが配送します）"),
                        string.Create(CultureInfo.InvariantCulture, $"  still holds {holds} queued messages (other nodes deliver them once the lease runs out)"))));
                }

                continue;
            }

            lines.Add(new Line(true, new(string.Create(CultureInfo.InvariantCulture, $"  配送中・配送予定: {holds}件"),
                string.Create(CultureInfo.InvariantCulture, $"  delivering or about to: {holds} queued messages"))));

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
                    ? new($"配送: 正常（{display.FormatSeconds(at)}）", $"delivery: ok ({display.FormatSeconds(at)})")
                    : new($"配送: 問題あり — {node.LastDeliveryNote}", $"delivery: failing — {node.LastDeliveryNote}")));
            }

            lines.Add(Purge(node, now, display));
        }

        if (nodes.Count > 0 && !nodes.Any(n => n.StoppedAt is null && now - n.UpdatedAt < HealthReporter.Interval * 3))
        {
            lines.Add(new Line(false, new("稼働中のノードがありません: メールを受け付けていません", "no node is running: no mail is being accepted")));
        }

        var (depth, oldest) = await NodeStatusTable.QueueAsync(connection, cancellationToken).ConfigureAwait(false);
        var stale = oldest is { } o && now - o > TimeSpan.FromHours(1);
        lines.Add(new Line(!stale, new(
            string.Create(CultureInfo.InvariantCulture, $"配送キュー: {depth}件") + (oldest is { } first ? $"（最古 {display.Format(first)}）" : ""),
            string.Create(CultureInfo.InvariantCulture, $"queue: {depth} messages") + (oldest is { } f ? $" (oldest {display.Format(f)})" : ""))));
        return lines;
    }

    /// <summary>
    /// The retention purge: failed at its last run, or no run within two intervals (stuck, or a node that never purges) is a
    /// problem — quarantined mail would be kept past its retention period. A node that started moments ago has not run it yet.
    /// </summary>
    private static Line Purge(NodeStatus node, DateTimeOffset now, DisplayTime display)
    {
        var overdueAfter = Quarantine.RetentionService.Interval * 2;
        if (node.LastPurge is not { } purge)
        {
            var starting = node.StartedAt is { } started && now - started < overdueAfter;
            return new Line(starting, starting
                ? new("保存期間の削除: 起動直後のため、まだ実行されていません", "retention purge: not run yet (the node just started)")
                : new("保存期間の削除: 実行されていません", "retention purge: has not run"));
        }

        if (!purge.Ok)
        {
            return new Line(false, new($"保存期間の削除: 失敗しました（{display.FormatSeconds(purge.At)}）— {purge.Note}",
                $"retention purge: failed ({display.FormatSeconds(purge.At)}) — {purge.Note}"));
        }

        if (now - purge.At > overdueAfter)
        {
            return new Line(false, new(
                string.Create(CultureInfo.InvariantCulture, $"保存期間の削除: {overdueAfter.TotalHours:0}時間以上実行されていません（最終 {display.FormatSeconds(purge.At)}）"),
                string.Create(CultureInfo.InvariantCulture, $"retention purge: overdue, not run for over {overdueAfter.TotalHours:0} hours (last {display.FormatSeconds(purge.At)})")));
        }

        return new Line(true, new($"保存期間の削除: 正常（{display.FormatSeconds(purge.At)}、{Purged(purge.Note)}）",
            $"retention purge: ok ({display.FormatSeconds(purge.At)}, {purge.Note})"));

        static string Purged(string note) => note.StartsWith("purged ", StringComparison.Ordinal) ? $"{note["purged ".Length..]}件削除" : note;
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
