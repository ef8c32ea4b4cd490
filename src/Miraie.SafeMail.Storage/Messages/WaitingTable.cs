using System.Data.Common;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// The SQL of held mail (送信保留) and mail awaiting approval (上長承認). Every change is one conditional update on the
/// message's state, so of a cancel and the clock, or of two approvers, exactly one wins — on one node or many.
/// </summary>
public static class WaitingTable
{
    /// <summary>
    /// Moves held messages whose time has come to the queue (held → queued) and returns their ids. Several nodes may run
    /// it at once; each message moves once, and a cancel that got there first keeps it.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReleaseDueHoldsAsync(DbConnection connection, DateTimeOffset now, int limit,
        CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = $"""
            UPDATE messages SET state = 'queued', lease_owner = NULL, lease_until = NULL
            WHERE id IN (SELECT id FROM messages WHERE state = 'held' AND next_attempt_at <= @now
                         ORDER BY next_attempt_at LIMIT @limit{SqlDialect.Of(connection).SkipLocked})
              AND state = 'held'
            RETURNING id
            """;
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@limit", limit);
        return await IdsAsync(update, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Messages awaiting approval whose time to decide has run out, oldest deadline first.</summary>
    public static async Task<IReadOnlyList<string>> OutOfTimeAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT id FROM messages WHERE state = 'awaiting-approval' AND expires_at <= @now ORDER BY expires_at LIMIT @limit";
        Sql.Add(select, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(select, "@limit", limit);
        return await IdsAsync(select, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a decision on a waiting message — only when its state is still <paramref name="expected"/>: true for the one
    /// caller that made the change. <paramref name="nextAttemptAt"/> and <paramref name="expiresAt"/> are set when it goes
    /// to the queue; <paramref name="finishedAt"/> when the decision ends it (cancelled, declined).
    /// </summary>
    public static async Task<bool> DecideAsync(DbConnection connection, DbTransaction? transaction, string id, string expected, string state,
        string actor, string? note, DateTimeOffset now, DateTimeOffset? nextAttemptAt, DateTimeOffset? expiresAt, DateTimeOffset? finishedAt,
        CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE messages SET state = @state, decided_by = @actor, decided_at = @now, decision_note = @note,
              next_attempt_at = COALESCE(@next, next_attempt_at), expires_at = COALESCE(@expires, expires_at), finished_at = @finished,
              lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND state = @expected
            """;
        Sql.Add(update, "@state", state);
        Sql.Add(update, "@actor", actor);
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@note", note);
        Sql.Add(update, "@next", nextAttemptAt?.ToUnixTimeMilliseconds());
        Sql.Add(update, "@expires", expiresAt?.ToUnixTimeMilliseconds());
        Sql.Add(update, "@finished", finishedAt?.ToUnixTimeMilliseconds());
        Sql.Add(update, "@id", id);
        Sql.Add(update, "@expected", expected);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Waiting mail (held, awaiting approval) newest first: everyone's, or only what <paramref name="sender"/> sent (the
    /// envelope sender, compared without case), or only what <paramref name="approver"/> may approve.
    /// </summary>
    public static Task<IReadOnlyList<MessageRecord>> ListAsync(DbConnection connection, string state, string? sender, string? approver, int limit,
        CancellationToken cancellationToken = default)
    {
        // The state as a literal (one of two constants), so that SQLite and PostgreSQL can use the partial indexes of waiting mail.
        var where = state switch
        {
            MessageState.Held => "state = 'held'",
            MessageState.AwaitingApproval => "state = 'awaiting-approval'",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "only held or awaiting-approval mail is listed here"),
        };
        var parameters = new Dictionary<string, object?>();
        if (sender is not null)
        {
            where += " AND lower(envelope_from) = @sender";
            parameters["@sender"] = sender.Trim().ToLowerInvariant();
        }

        if (approver is not null)
        {
            where += @" AND approvers LIKE @approver ESCAPE '\'";
            parameters["@approver"] = "%," + Escape(approver.Trim().ToLowerInvariant()) + ",%";
        }

        return MessageTable.ListAsync(connection, where, parameters, limit, cancellationToken);
    }

    /// <summary>How many messages are held and how many await approval (for metrics and health).</summary>
    public static async Task<(long Held, long AwaitingApproval)> CountAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT state, COUNT(*) FROM messages WHERE state IN ('held', 'awaiting-approval') GROUP BY state";
        long held = 0, awaiting = 0;
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetString(0) == MessageState.Held)
            {
                held = reader.GetInt64(1);
            }
            else
            {
                awaiting = reader.GetInt64(1);
            }
        }

        return (held, awaiting);
    }

    private static string Escape(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
        .Replace("_", @"\_", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<string>> IdsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
