using System.Data.Common;

namespace Miraie.SafeMail.Storage.Audit;

/// <summary>
/// Who did what, when: every verdict that holds mail, every release, delete, purge and notice. Append-only; the
/// console shows it and exports it as CSV. Actors are user names, or <c>system</c> for the gateway itself.
/// </summary>
public static class AuditLog
{
    /// <summary>The actor for actions the gateway takes by itself (quarantine, purge).</summary>
    public const string System = "system";

    /// <summary>Appends one entry.</summary>
    public static async Task AppendAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset at, string actor, string action,
        string? messageId, string? detail, CancellationToken cancellationToken = default)
    {
        var batch = new SqlBatch(connection, transaction);
        Append(batch, at, actor, action, messageId, detail);
        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the statement of <see cref="AppendAsync"/> to <paramref name="batch"/>.</summary>
    public static void Append(SqlBatch batch, DateTimeOffset at, string actor, string action, string? messageId, string? detail) =>
        batch.Add("INSERT INTO audit (at, actor, action, message_id, detail) VALUES (@at, @actor, @action, @m, @d)")
            .Add("@at", at.ToUnixTimeMilliseconds())
            .Add("@actor", actor)
            .Add("@action", action)
            .Add("@m", messageId)
            .Add("@d", detail);

    /// <summary>Entries for one message, oldest first.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ForMessageAsync(DbConnection connection, string messageId, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT at, actor, action, message_id, detail FROM audit WHERE message_id = @m ORDER BY id";
        Sql.Add(select, "@m", messageId);
        var list = new List<AuditEntry>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return list;
    }
}
