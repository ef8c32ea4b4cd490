using Npgsql;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// PostgreSQL only: makes the space of deleted mail bytes reusable while it is still in the server's buffers. Every queued
/// message's bytes go into <c>message_bytes</c> (TOAST chunks of ~2 kB) and are deleted moments later with its delivery;
/// left to autovacuum (at most once a minute per database) the table grows by a minute of mail, every insert extends a
/// file, and every page is written out once more although what it holds is dead. Measured under 100 KB load
/// (docs/benchmarks.md, "fourth figures"): the bytes insert's server time 0.66 → 0.22 ms per message, the relay 0.78× →
/// 0.96× Postfix in one run. So a node vacuums these tables itself when their dead rows pass <see cref="DeadRowsThreshold"/>;
/// PostgreSQL's statistics are shared, so the count is the cluster's and a vacuum by one node clears it for all
/// (ADR-014).
/// </summary>
public static class BytesVacuum
{
    /// <summary>The tables whose rows carry mail bytes and are deleted in the normal course of work.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["message_bytes", "link_file_chunks"];

    /// <summary>Dead row versions (the table's and its TOAST table's) from which a table is vacuumed: ~8 MB of mail in TOAST chunks.</summary>
    public const long DeadRowsThreshold = 4096;

    /// <summary>The tables of <see cref="Tables"/> (in the connection's search path) with at least <paramref name="threshold"/> dead rows, and how many.</summary>
    public static async Task<IReadOnlyList<(string Table, long DeadRows)>> DueAsync(NpgsqlConnection connection, long threshold,
        CancellationToken cancellationToken = default)
    {
        // The statistics are PostgreSQL's own (shared by every backend, flushed by each within about a second of its work).
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT t.name, coalesce(pg_stat_get_dead_tuples(c.oid), 0) + coalesce(pg_stat_get_dead_tuples(nullif(c.reltoastrelid, 0)), 0)
            FROM unnest(@tables) WITH ORDINALITY AS t(name, n) JOIN pg_class c ON c.oid = to_regclass(t.name)
            ORDER BY t.n
            """;
        select.Parameters.AddWithValue("tables", Tables.ToArray());
        var due = new List<(string, long)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetInt64(1) >= threshold)
            {
                due.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        return due;
    }

    /// <summary>
    /// Vacuums <paramref name="table"/> (one of <see cref="Tables"/>) and its TOAST table; skipped at once when another
    /// session (another node's vacuum, autovacuum) holds it. Never inside a transaction: PostgreSQL refuses that.
    /// </summary>
    public static async Task VacuumAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken = default)
    {
        if (!Tables.Contains(table, StringComparer.Ordinal))
        {
            throw new ArgumentException($"not a bytes table: {table}", nameof(table));
        }

        await using var vacuum = connection.CreateCommand();
        vacuum.CommandText = $"VACUUM (SKIP_LOCKED, TRUNCATE false) {table}";
        vacuum.CommandTimeout = 600;
        await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
