using System.Data.Common;

namespace Miraie.SafeMail.Storage.Nodes;

/// <summary>Each node's last report of itself, for <c>safemail health</c> and the console's dashboard.</summary>
public static class NodeStatusTable
{
    /// <summary>Writes (or replaces) a node's report.</summary>
    public static async Task WriteAsync(DbConnection connection, DbTransaction? transaction, NodeStatus status, CancellationToken cancellationToken = default)
    {
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO node_status (node_id, updated_at, listening, spool_ok, spool_error, last_delivery_at, last_delivery_ok, last_delivery_note,
              started_at, purge_at, purge_ok, purge_note, stopped_at)
            VALUES (@n, @u, @l, @s, @se, @da, @dok, @dn, @st, @pa, @pok, @pn, NULL)
            ON CONFLICT (node_id) DO UPDATE SET updated_at = excluded.updated_at, listening = excluded.listening, spool_ok = excluded.spool_ok,
              spool_error = excluded.spool_error, last_delivery_at = excluded.last_delivery_at, last_delivery_ok = excluded.last_delivery_ok,
              last_delivery_note = excluded.last_delivery_note, started_at = excluded.started_at, purge_at = excluded.purge_at,
              purge_ok = excluded.purge_ok, purge_note = excluded.purge_note, stopped_at = NULL
            """;
        Sql.Add(upsert, "@n", status.NodeId);
        Sql.Add(upsert, "@u", status.UpdatedAt.ToUnixTimeMilliseconds());
        Sql.Add(upsert, "@l", string.Join(",", status.Listening));
        Sql.Add(upsert, "@s", status.SpoolOk ? 1 : 0);
        Sql.Add(upsert, "@se", status.SpoolError);
        Sql.Add(upsert, "@da", status.LastDeliveryAt?.ToUnixTimeMilliseconds());
        Sql.Add(upsert, "@dok", status.LastDeliveryOk is { } ok ? (ok ? 1L : 0L) : (long?)null);
        Sql.Add(upsert, "@dn", status.LastDeliveryNote);
        Sql.Add(upsert, "@st", status.StartedAt?.ToUnixTimeMilliseconds());
        Sql.Add(upsert, "@pa", status.LastPurge?.At.ToUnixTimeMilliseconds());
        Sql.Add(upsert, "@pok", status.LastPurge is { } purge ? (purge.Ok ? 1L : 0L) : (long?)null);
        Sql.Add(upsert, "@pn", status.LastPurge?.Note);
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every node's report.</summary>
    public static async Task<IReadOnlyList<NodeStatus>> ReadAllAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT node_id, updated_at, listening, spool_ok, spool_error, last_delivery_at, last_delivery_ok, last_delivery_note,
                   started_at, purge_at, purge_ok, purge_note, stopped_at
            FROM node_status ORDER BY node_id
            """;
        var list = new List<NodeStatus>();
        await using var r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new NodeStatus(r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries), r.GetInt64(3) != 0, r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.IsDBNull(6) ? null : r.GetInt64(6) != 0,
                r.IsDBNull(7) ? null : r.GetString(7))
            {
                StartedAt = r.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
                LastPurge = r.IsDBNull(9) ? null
                    : new PurgeRun(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)), !r.IsDBNull(10) && r.GetInt64(10) != 0, r.IsDBNull(11) ? "" : r.GetString(11)),
                StoppedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
            });
        }

        return list;
    }

    /// <summary>Records that a node stopped on purpose (after handing its leases back).</summary>
    public static async Task MarkStoppedAsync(DbConnection connection, string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE node_status SET stopped_at = @at, updated_at = @at WHERE node_id = @n";
        Sql.Add(update, "@n", nodeId);
        Sql.Add(update, "@at", at.ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many queued messages each node holds a live lease on (is delivering, or about to).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> HeldAsync(DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT lease_owner, COUNT(*) FROM messages " +
                             "WHERE state = 'queued' AND lease_owner IS NOT NULL AND lease_until > @now GROUP BY lease_owner";
        Sql.Add(select, "@now", now.ToUnixTimeMilliseconds());
        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held[r.GetString(0)] = r.GetInt64(1);
        }

        return held;
    }

    /// <summary>Queue depth and the oldest queued message's arrival.</summary>
    public static async Task<(long Depth, DateTimeOffset? Oldest)> QueueAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT COUNT(*), MIN(received_at) FROM messages WHERE state = 'queued'";
        await using var r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await r.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (r.GetInt64(0), r.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)));
    }
}
