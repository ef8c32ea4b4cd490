using System.Data.Common;

namespace Miraie.SafeMail.Storage.Passwords;

/// <summary>The archives a message carries and the password mails due to its delivered recipients (migration 005).</summary>
public static class PasswordMailTable
{
    /// <summary>States of a password mail.</summary>
    public const string Pending = "pending";
    /// <summary>Handed to delivery (gateway) or accepted by Graph.</summary>
    public const string Sent = "sent";
    /// <summary>Given up.</summary>
    public const string Failed = "failed";

    /// <summary>Records the archives a received message may claim (in the accept path's transaction).</summary>
    public static async Task LinkAsync(DbConnection connection, DbTransaction transaction, string messageId, IReadOnlyList<string> archiveIds)
    {
        var batch = new SqlBatch(connection, transaction);
        Link(batch, messageId, archiveIds);
        await batch.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Adds the statements of <see cref="LinkAsync"/> to <paramref name="batch"/> (none without archives).</summary>
    public static void Link(SqlBatch batch, string messageId, IReadOnlyList<string> archiveIds)
    {
        foreach (var archive in archiveIds)
        {
            batch.Add("INSERT INTO message_archives (message_id, archive_id) VALUES (@m, @a) ON CONFLICT DO NOTHING")
                .Add("@m", messageId)
                .Add("@a", archive);
        }
    }

    /// <summary>
    /// After a delivery attempt (in its transaction): a pending password mail for every archive the message carries and
    /// every recipient now delivered. Idempotent; a message without archives costs one index lookup.
    /// </summary>
    public static async Task AddForDeliveredAsync(DbConnection connection, DbTransaction transaction, string messageId, DateTimeOffset now)
    {
        var batch = new SqlBatch(connection, transaction);
        AddForDelivered(batch, messageId, now);
        await batch.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Adds the statement of <see cref="AddForDeliveredAsync"/> to <paramref name="batch"/> (the delivery's own).</summary>
    public static void AddForDelivered(SqlBatch batch, string messageId, DateTimeOffset now) =>
        batch.Add("""
            INSERT INTO password_mails (archive_id, message_id, recipient, state, created_at, next_attempt_at)
            SELECT a.archive_id, a.message_id, r.address, 'pending', @now, @now
            FROM message_archives a JOIN recipients r ON r.message_id = a.message_id
            WHERE a.message_id = @m AND r.state = 'delivered'
            ON CONFLICT DO NOTHING
            """)
            .Add("@m", messageId)
            .Add("@now", now.ToUnixTimeMilliseconds());

    /// <summary>Pending password mails whose time has come, oldest first.</summary>
    public static async Task<IReadOnlyList<DuePasswordMail>> DueAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT archive_id, message_id, recipient, attempts, created_at FROM password_mails
            WHERE state = 'pending' AND next_attempt_at <= @now ORDER BY created_at LIMIT @n
            """;
        Sql.Add(select, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(select, "@n", limit);
        var due = new List<DuePasswordMail>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(new DuePasswordMail(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return due;
    }

    /// <summary>Sets a password mail's state after an attempt.</summary>
    public static async Task UpdateAsync(DbConnection connection, DbTransaction? transaction, DuePasswordMail mail, string state, DateTimeOffset now,
        DateTimeOffset? next, string? error, string? sentAs)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE password_mails SET state = @s, attempts = attempts + 1, next_attempt_at = @next, last_error = @e,
                sent_at = CASE WHEN @s = 'sent' THEN @now ELSE sent_at END, sent_as = @as
            WHERE archive_id = @a AND message_id = @m AND recipient = @r AND state = 'pending'
            """;
        Sql.Add(update, "@s", state);
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@next", next?.ToUnixTimeMilliseconds());
        Sql.Add(update, "@e", error);
        Sql.Add(update, "@as", sentAs);
        Sql.Add(update, "@a", mail.ArchiveId);
        Sql.Add(update, "@m", mail.MessageId);
        Sql.Add(update, "@r", mail.Recipient);
        await update.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Archives whose password is no longer needed: every message carrying it has finished (delivered, failed, deleted,
    /// purged) and no password mail for it is pending — or it is older than <paramref name="keepFor"/> whatever its state.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FinishedArchivesAsync(DbConnection connection, DateTimeOffset now, TimeSpan keepFor, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT p.id FROM archive_passwords p
            WHERE p.delivered_at IS NULL AND (
                p.created_at < @old
                OR (EXISTS (SELECT 1 FROM message_archives a WHERE a.archive_id = p.id)
                    AND NOT EXISTS (SELECT 1 FROM message_archives a JOIN messages m ON m.id = a.message_id
                                    WHERE a.archive_id = p.id AND m.state IN ('queued', 'held', 'awaiting-approval', 'quarantined'))
                    AND NOT EXISTS (SELECT 1 FROM password_mails w WHERE w.archive_id = p.id AND w.state = 'pending')))
            LIMIT 100
            """;
        Sql.Add(select, "@old", (now - keepFor).ToUnixTimeMilliseconds());
        var ids = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
