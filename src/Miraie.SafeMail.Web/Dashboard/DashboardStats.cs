using System.Data.Common;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Web.Dashboard;

/// <summary>The dashboard's figures, each one indexed query over the messages table.</summary>
public sealed record DashboardStats(IReadOnlyList<DayCounts> Days, IReadOnlyList<(string Rule, long Count)> TopReasons,
    IReadOnlyList<(string Sender, long Count)> TopSenders, long Queued, DateTimeOffset? OldestQueued, long Quarantined)
{
    /// <summary>Figures for the last <paramref name="days"/> days in <paramref name="display"/>'s zone, today included.</summary>
    public static async Task<DashboardStats> LoadAsync(DbConnection connection, int days, DateTimeOffset now, DisplayTime display, CancellationToken cancellationToken)
    {
        var today = display.Day(now);
        var first = today.AddDays(-(days - 1));
        var since = display.StartOf(first);

        var byDay = new Dictionary<DateOnly, (long Pass, long Quarantine, long Reject)>();
        await using (var select = connection.CreateCommand())
        {
            // Counted per quarter hour, then each quarter hour put on its day in the console's zone: exact for every zone
            // (all UTC offsets are whole quarter hours) and across daylight-saving changes, at most 96 rows a day.
            select.CommandText = """
                SELECT received_at / 900000 AS slot, verdict, COUNT(*) FROM messages
                WHERE received_at >= @since AND origin = 'smtp' GROUP BY slot, verdict
                """;
            Sql.Add(select, "@since", since.ToUnixTimeMilliseconds());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var day = display.Day(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0) * 900_000));
                var counts = byDay.GetValueOrDefault(day);
                var n = reader.GetInt64(2);
                counts = reader.GetString(1) switch
                {
                    "pass" => counts with { Pass = counts.Pass + n },
                    "quarantine" => counts with { Quarantine = counts.Quarantine + n },
                    _ => counts with { Reject = counts.Reject + n },
                };
                byDay[day] = counts;
            }
        }

        var list = Enumerable.Range(0, days).Select(i => first.AddDays(i))
            .Select(d => byDay.TryGetValue(d, out var c) ? new DayCounts(d, c.Pass, c.Quarantine, c.Reject) : new DayCounts(d, 0, 0, 0)).ToList();

        var reasons = await PairsAsync(connection, """
            SELECT rule, COUNT(*) FROM messages WHERE received_at >= @since AND verdict <> 'pass' AND origin = 'smtp'
            GROUP BY rule ORDER BY COUNT(*) DESC LIMIT 8
            """, since, cancellationToken);
        var senders = await PairsAsync(connection, """
            SELECT envelope_from, COUNT(*) FROM messages WHERE received_at >= @since AND verdict = 'quarantine'
            GROUP BY envelope_from ORDER BY COUNT(*) DESC LIMIT 8
            """, since, cancellationToken);

        await using var queue = connection.CreateCommand();
        queue.CommandText = "SELECT COUNT(*), MIN(received_at) FROM messages WHERE state = 'queued'";
        long queued;
        DateTimeOffset? oldest;
        await using (var reader = await queue.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            queued = reader.GetInt64(0);
            oldest = reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        }

        await using var held = connection.CreateCommand();
        held.CommandText = "SELECT COUNT(*) FROM messages WHERE state = 'quarantined'";
        var quarantined = (long)(await held.ExecuteScalarAsync(cancellationToken))!;
        return new DashboardStats(list, reasons, senders, queued, oldest, quarantined);
    }

    private static async Task<IReadOnlyList<(string, long)>> PairsAsync(DbConnection connection, string sql, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = sql;
        Sql.Add(select, "@since", since.ToUnixTimeMilliseconds());
        var list = new List<(string, long)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return list;
    }
}
