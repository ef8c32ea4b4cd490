using System.Data.Common;

namespace Miraie.SafeMail.Storage.Incidents;

/// <summary>
/// The SQL of misdelivery reports (誤送信の報告, ADR-020): the report, its work log (作業記録) and its closing. Closing is one
/// conditional update (<c>WHERE state = 'open'</c>), so two people closing at once close it once.
/// </summary>
public static class IncidentTable
{
    /// <summary>The longest text kept in one field (a statement, a log entry, a root cause, a corrective action).</summary>
    public const int MaxText = 4000;

    private const string Columns = "id, message_id, message_hint, reporter, reporter_address, reported_at, statement, wrong_recipients, state, root_cause, " +
                                   "corrective_action, closed_by, closed_at";

    /// <summary>Records a report; returns its number.</summary>
    public static async Task<long> InsertAsync(DbConnection connection, DbTransaction? transaction, IncidentRecord incident, CancellationToken cancellationToken = default)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO incidents (message_id, message_hint, reporter, reporter_address, reported_at, statement, wrong_recipients, state)
            VALUES (@message, @hint, @reporter, @address, @at, @statement, @wrong, 'open')
            RETURNING id
            """;
        Sql.Add(insert, "@message", incident.MessageId);
        Sql.Add(insert, "@hint", incident.MessageHint);
        Sql.Add(insert, "@reporter", incident.Reporter);
        Sql.Add(insert, "@address", incident.ReporterAddress);
        Sql.Add(insert, "@at", incident.ReportedAt.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@statement", incident.Statement);
        Sql.Add(insert, "@wrong", incident.WrongRecipients.Count == 0 ? null : string.Join('\n', incident.WrongRecipients));
        return Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The incident, or null.</summary>
    public static async Task<IncidentRecord?> GetAsync(DbConnection connection, long id, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM incidents WHERE id = @id";
        Sql.Add(select, "@id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>Incidents newest first, only those in <paramref name="state"/> when given.</summary>
    public static async Task<IReadOnlyList<IncidentRecord>> ListAsync(DbConnection connection, string? state, int limit, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM incidents WHERE (@state IS NULL OR state = @state) ORDER BY id DESC LIMIT @limit";
        Sql.Add(select, "@state", state);
        Sql.Add(select, "@limit", limit);
        var list = new List<IncidentRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Appends one entry to an incident's work log.</summary>
    public static async Task AppendLogAsync(DbConnection connection, DbTransaction? transaction, IncidentLogEntry entry, CancellationToken cancellationToken = default)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO incidents_log (incident_id, at, author, text) VALUES (@incident, @at, @author, @text)";
        Sql.Add(insert, "@incident", entry.IncidentId);
        Sql.Add(insert, "@at", entry.At.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@author", entry.Author);
        Sql.Add(insert, "@text", entry.Text);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An incident's work log, oldest first.</summary>
    public static async Task<IReadOnlyList<IncidentLogEntry>> LogAsync(DbConnection connection, long id, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT incident_id, at, author, text FROM incidents_log WHERE incident_id = @id ORDER BY id";
        Sql.Add(select, "@id", id);
        var list = new List<IncidentLogEntry>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new IncidentLogEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3)));
        }

        return list;
    }

    /// <summary>Sets the root cause and corrective action of an open incident (null leaves one as it is); false when it is closed or unknown.</summary>
    public static async Task<bool> SetFindingsAsync(DbConnection connection, DbTransaction? transaction, long id, string? rootCause, string? correctiveAction,
        CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE incidents SET root_cause = COALESCE(@cause, root_cause), corrective_action = COALESCE(@action, corrective_action)
            WHERE id = @id AND state = 'open'
            """;
        Sql.Add(update, "@cause", rootCause);
        Sql.Add(update, "@action", correctiveAction);
        Sql.Add(update, "@id", id);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Closes an open incident that has its root cause and corrective action: true for the one caller that closed it.</summary>
    public static async Task<bool> CloseAsync(DbConnection connection, DbTransaction? transaction, long id, string by, DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE incidents SET state = 'closed', closed_by = @by, closed_at = @at
            WHERE id = @id AND state = 'open' AND root_cause IS NOT NULL AND corrective_action IS NOT NULL
            """;
        Sql.Add(update, "@by", by);
        Sql.Add(update, "@at", at.ToUnixTimeMilliseconds());
        Sql.Add(update, "@id", id);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// The queue id of the newest message whose Message-ID header is <paramref name="messageIdHeader"/> (with or without its
    /// angle brackets, as Outlook gives it), sent by <paramref name="sender"/> when given (compared without case); null when none.
    /// </summary>
    public static async Task<string?> FindByMessageIdHeaderAsync(DbConnection connection, string messageIdHeader, string? sender,
        CancellationToken cancellationToken = default)
    {
        var bare = messageIdHeader.Trim().TrimStart('<').TrimEnd('>');
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id FROM messages WHERE message_id_header IN (@bare, @bracketed) AND (@sender IS NULL OR lower(envelope_from) = @sender)
            ORDER BY received_at DESC LIMIT 1
            """;
        Sql.Add(select, "@bare", bare);
        Sql.Add(select, "@bracketed", "<" + bare + ">");
        Sql.Add(select, "@sender", sender?.Trim().ToLowerInvariant());
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static IncidentRecord Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        MessageId = Text(r, 1),
        MessageHint = Text(r, 2),
        Reporter = r.GetString(3),
        ReporterAddress = Text(r, 4),
        ReportedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        Statement = Text(r, 6),
        WrongRecipients = Text(r, 7) is { } wrong ? wrong.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [],
        State = r.GetString(8),
        RootCause = Text(r, 9),
        CorrectiveAction = Text(r, 10),
        ClosedBy = Text(r, 11),
        ClosedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
    };

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
