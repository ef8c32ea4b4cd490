using System.Data.Common;
using Miraie.SafeMail.Storage.Audit;

namespace Miraie.SafeMail.Storage.Policy;

/// <summary>Policies saved from the console, newest in force; the audit log records each save.</summary>
public static class PolicyVersions
{
    /// <summary>Saves a new version and its audit entry in one transaction; returns its id.</summary>
    public static async Task<long> SaveAsync(DbConnection connection, string json, string author, string? comment, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO policy_versions (at, author, comment, policy) VALUES (@at, @a, @c, @p) RETURNING id";
        Sql.Add(insert, "@at", now.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@a", author);
        Sql.Add(insert, "@c", comment);
        Sql.Add(insert, "@p", json);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await AuditLog.AppendAsync(connection, transaction, now, author, AuditActions.PolicyChange, null, $"version {id}" + (comment is { Length: > 0 } ? ": " + comment : ""),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The version in force (the newest), or null when none was saved.</summary>
    public static async Task<PolicyVersion?> CurrentAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        First(await QueryAsync(connection, "ORDER BY id DESC LIMIT 1", null, cancellationToken).ConfigureAwait(false));

    /// <summary>The newest version's id, or 0: a cheap check for the gateway's poll.</summary>
    public static async Task<long> CurrentIdAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT COALESCE(MAX(id), 0) FROM policy_versions";
        return (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>One version, or null.</summary>
    public static async Task<PolicyVersion?> GetAsync(DbConnection connection, long id, CancellationToken cancellationToken = default) =>
        First(await QueryAsync(connection, "WHERE id = @id", id, cancellationToken).ConfigureAwait(false));

    /// <summary>Every version, newest first.</summary>
    public static Task<IReadOnlyList<PolicyVersion>> ListAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        QueryAsync(connection, "ORDER BY id DESC", null, cancellationToken);

    private static async Task<IReadOnlyList<PolicyVersion>> QueryAsync(DbConnection connection, string tail, long? id, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT id, at, author, comment, policy FROM policy_versions {tail}";
        if (id is not null)
        {
            Sql.Add(select, "@id", id.Value);
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
