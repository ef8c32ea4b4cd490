using System.Data.Common;
using System.Text;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Web.Audit;

/// <summary>Reads the audit log with filters, a page at a time or all of it (for the CSV export), newest first.</summary>
public static class AuditQuery
{
    /// <summary>One page and the total, days in the default zone (Asia/Tokyo).</summary>
    public static Task<(IReadOnlyList<AuditEntry> Rows, long Total)> PageAsync(DbConnection connection, AuditFilter filter, CancellationToken cancellationToken) =>
        PageAsync(connection, filter, DisplayTime.Default, cancellationToken);

    /// <summary>One page and the total; the filter's days are days in <paramref name="display"/>'s zone.</summary>
    public static async Task<(IReadOnlyList<AuditEntry> Rows, long Total)> PageAsync(DbConnection connection, AuditFilter filter, DisplayTime display,
        CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, display);
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM audit WHERE {where}";
        Bind(count, parameters);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        var rows = new List<AuditEntry>();
        await foreach (var entry in ReadAsync(connection, where, parameters, $"LIMIT {AuditFilter.PageSize} OFFSET {(Math.Max(1, filter.Page) - 1L) * AuditFilter.PageSize}", cancellationToken))
        {
            rows.Add(entry);
        }

        return (rows, total);
    }

    /// <summary>Every matching entry, streamed.</summary>
    public static IAsyncEnumerable<AuditEntry> AllAsync(DbConnection connection, AuditFilter filter, DisplayTime display, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, display);
        return ReadAsync(connection, where, parameters, "", cancellationToken);
    }

    private static async IAsyncEnumerable<AuditEntry> ReadAsync(DbConnection connection, string where, List<(string, object)> parameters, string tail,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT at, actor, action, message_id, detail FROM audit WHERE {where} ORDER BY id DESC {tail}";
        Bind(select, parameters);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }
    }

    /// <summary>The filter as SQL; its days are days in the console's time zone.</summary>
    private static (string, List<(string, object)>) Where(AuditFilter filter, DisplayTime display)
    {
        var where = new StringBuilder("1 = 1");
        var parameters = new List<(string, object)>();
        if (filter.From is { } from)
        {
            where.Append(" AND at >= @from");
            parameters.Add(("@from", display.StartOf(from).ToUnixTimeMilliseconds()));
        }

        if (filter.To is { } to)
        {
            where.Append(" AND at < @to");
            parameters.Add(("@to", display.StartOf(to.AddDays(1)).ToUnixTimeMilliseconds()));
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            where.Append(" AND lower(actor) LIKE @actor ESCAPE '\\'");
            parameters.Add(("@actor", "%" + filter.Actor.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%"));
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            where.Append(" AND action = @action");
            parameters.Add(("@action", filter.Action.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(filter.Message))
        {
            where.Append(" AND message_id = @m");
            parameters.Add(("@m", filter.Message.Trim()));
        }

        return (where.ToString(), parameters);
    }

    private static void Bind(DbCommand command, List<(string Name, object Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            Sql.Add(command, name, value);
        }
    }
}
