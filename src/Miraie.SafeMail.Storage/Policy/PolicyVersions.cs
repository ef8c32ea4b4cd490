using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Storage.Policy;

/// <summary>Policies saved from the console, newest in force; the audit log records each save.</summary>
public static class PolicyVersions
{
    /// <summary>Saves a new version and its audit entry in one transaction; returns its id.</summary>
    public static async Task<long> SaveAsync(SqliteConnection connection, string json, string author, string? comment, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO policy_versions (at, author, comment, policy) VALUES (@at, @a, @c, @p) RETURNING id";
        MessageTable.Add(insert, "@at", now.ToUnixTimeMilliseconds());
        MessageTable.Add(insert, "@a", author);
        MessageTable.Add(insert, "@c", comment);
        MessageTable.Add(insert, "@p", json);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await AuditLog.AppendAsync(connection, transaction, now, author, AuditActions.PolicyChange, null, $"version {id}" + (comment is { Length: > 0 } ? ": " + comment : ""),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The version in force (the newest), or null when none was saved.</summary>
    public static async Task<PolicyVersion?> CurrentAsync(SqliteConnection connection, CancellationToken cancellationToken = default) =>
        First(await QueryAsync(connection, "ORDER BY id DESC LIMIT 1", null, cancellationToken).ConfigureAwait(false));

    /// <summary>The newest version's id, or 0: a cheap check for the gateway's poll.</summary>
    public static async Task<long> CurrentIdAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT COALESCE(MAX(id), 0) FROM policy_versions";
        return (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>One version, or null.</summary>
    public static async Task<PolicyVersion?> GetAsync(SqliteConnection connection, long id, CancellationToken cancellationToken = default) =>
        First(await QueryAsync(connection, "WHERE id = @id", id, cancellationToken).ConfigureAwait(false));

    /// <summary>Every version, newest first.</summary>
    public static Task<IReadOnlyList<PolicyVersion>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken = default) =>
        QueryAsync(connection, "ORDER BY id DESC", null, cancellationToken);

    private static async Task<IReadOnlyList<PolicyVersion>> QueryAsync(SqliteConnection connection, string tail, long? id, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT id, at, author, comment, policy FROM policy_versions {tail}";
        if (id is not null)
        {
            MessageTable.Add(select, "@id", id.Value);
        }

        var list = new List<PolicyVersion>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new PolicyVersion(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
        }

        return list;
    }

    private static T? First<T>(IReadOnlyList<T> list)
        where T : class => list.Count > 0 ? list[0] : null;
}
