using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace Miraie.SafeMail.Storage.Links;

/// <summary>The SQL for download links, their files, recipients and one-time codes (migration 012 / PostgreSQL 003).</summary>
public static class LinkTable
{
    private const string Columns = "id, message_id, sender, created_at, expires_at, revoked_at, revoked_by, first_download_at, purged_at, total_bytes";

    /// <summary>Inserts a link with its files and recipients (in the transaction that queues its message).</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, LinkRecord link, CancellationToken cancellationToken = default)
    {
        await using (var insert = Command(connection, transaction, $"INSERT INTO links ({Columns}) VALUES (@id, @m, @s, @c, @e, NULL, NULL, NULL, NULL, @t)"))
        {
            Sql.Add(insert, "@id", link.Id);
            Sql.Add(insert, "@m", link.MessageId);
            Sql.Add(insert, "@s", link.Sender.ToLowerInvariant());
            Sql.Add(insert, "@c", link.CreatedAt.ToUnixTimeMilliseconds());
            Sql.Add(insert, "@e", link.ExpiresAt.ToUnixTimeMilliseconds());
            Sql.Add(insert, "@t", link.TotalBytes);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in link.Files)
        {
            await using var insert = Command(connection, transaction,
                "INSERT INTO link_files (link_id, ordinal, name, content_type, size, sha256, path) VALUES (@l, @o, @n, @t, @s, @h, @p)");
            Sql.Add(insert, "@l", link.Id);
            Sql.Add(insert, "@o", file.Ordinal);
            Sql.Add(insert, "@n", file.Name);
            Sql.Add(insert, "@t", file.ContentType);
            Sql.Add(insert, "@s", file.Size);
            Sql.Add(insert, "@h", file.Sha256);
            Sql.Add(insert, "@p", file.Path);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var address in link.Recipients.Select(r => r.ToLowerInvariant()).Distinct(StringComparer.Ordinal))
        {
            await using var insert = Command(connection, transaction, "INSERT INTO link_recipients (link_id, address) VALUES (@l, @a)");
            Sql.Add(insert, "@l", link.Id);
            Sql.Add(insert, "@a", address);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The link with its files and recipients, or null.</summary>
    public static async Task<LinkRecord?> GetAsync(DbConnection connection, string id, CancellationToken cancellationToken = default)
    {
        var links = await SelectAsync(connection, "id = @id", [("@id", id)], 1, cancellationToken).ConfigureAwait(false);
        return links.Count == 0 ? null : await WithDetailsAsync(connection, links[0], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The links made from one message (normally one), with their files and recipients.</summary>
    public static async Task<IReadOnlyList<LinkRecord>> ForMessageAsync(DbConnection connection, string messageId, CancellationToken cancellationToken = default)
    {
        var list = new List<LinkRecord>();
        foreach (var link in await SelectAsync(connection, "message_id = @m", [("@m", messageId)], 100, cancellationToken).ConfigureAwait(false))
        {
            list.Add(await WithDetailsAsync(connection, link, cancellationToken).ConfigureAwait(false));
        }

        return list;
    }

    /// <summary>Links newest first: one sender's (<paramref name="sender"/>) or everyone's (null), without their files.</summary>
    public static Task<IReadOnlyList<LinkRecord>> ListAsync(DbConnection connection, string? sender, int limit, CancellationToken cancellationToken = default) =>
        sender is null
            ? SelectAsync(connection, "1 = 1", [], limit, cancellationToken)
            : SelectAsync(connection, "lower(sender) = @s", [("@s", sender.ToLowerInvariant())], limit, cancellationToken);

    /// <summary>Revokes a live link, once: true only for the caller that made the change.</summary>
    public static async Task<bool> RevokeAsync(DbConnection connection, DbTransaction? transaction, string id, string actor, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var update = Command(connection, transaction, "UPDATE links SET revoked_at = @now, revoked_by = @by WHERE id = @id AND revoked_at IS NULL AND purged_at IS NULL");
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@by", actor);
        Sql.Add(update, "@id", id);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Records the first download, once: true only for the first (who then tells the sender).</summary>
    public static async Task<bool> MarkFirstDownloadAsync(DbConnection connection, DbTransaction? transaction, string id, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var update = Command(connection, transaction, "UPDATE links SET first_download_at = @now WHERE id = @id AND first_download_at IS NULL");
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@id", id);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Links whose files retention may delete: expired or revoked, not yet purged, oldest first.</summary>
    public static async Task<IReadOnlyList<LinkRecord>> PurgeDueAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var list = new List<LinkRecord>();
        foreach (var link in await SelectAsync(connection, "purged_at IS NULL AND (expires_at <= @now OR revoked_at IS NOT NULL)", [("@now", now.ToUnixTimeMilliseconds())],
            limit, cancellationToken).ConfigureAwait(false))
        {
            list.Add(await WithDetailsAsync(connection, link, cancellationToken).ConfigureAwait(false));
        }

        return list;
    }

    /// <summary>Marks a link's files deleted (its chunks, on PostgreSQL, deleted in the same transaction).</summary>
    public static async Task MarkPurgedAsync(DbConnection connection, DbTransaction? transaction, string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using (var chunks = Command(connection, transaction, "DELETE FROM link_file_chunks WHERE link_id = @id"))
        {
            Sql.Add(chunks, "@id", id);
            await chunks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var update = Command(connection, transaction, "UPDATE links SET purged_at = @now WHERE id = @id AND purged_at IS NULL");
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@id", id);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bytes the links' files take now (not yet purged): for the dashboard.</summary>
    public static async Task<(long Links, long Bytes)> StorageAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var select = Command(connection, null, "SELECT COUNT(*), COALESCE(SUM(total_bytes), 0) FROM links WHERE purged_at IS NULL");
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The stored form of a code: SHA-256 of the link, the address and the code, so the table never holds a usable code.</summary>
    public static string CodeHash(string linkId, string address, string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{linkId}\n{address.ToLowerInvariant()}\n{code}")));

    /// <summary>Stores a new one-time code for an address of the link.</summary>
    public static async Task AddCodeAsync(DbConnection connection, DbTransaction? transaction, string linkId, string address, string code, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO link_codes (link_id, address, created_at, expires_at, code_hash, attempts) VALUES (@l, @a, @c, @e, @h, 0)");
        Sql.Add(insert, "@l", linkId);
        Sql.Add(insert, "@a", address.ToLowerInvariant());
        Sql.Add(insert, "@c", now.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@e", expiresAt.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@h", CodeHash(linkId, address, code));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many codes were sent for the link to the address since <paramref name="since"/> (a limit on code mails).</summary>
    public static async Task<long> CodesSinceAsync(DbConnection connection, string linkId, string address, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var count = Command(connection, null, "SELECT COUNT(*) FROM link_codes WHERE link_id = @l AND address = @a AND created_at >= @since");
        Sql.Add(count, "@l", linkId);
        Sql.Add(count, "@a", address.ToLowerInvariant());
        Sql.Add(count, "@since", since.ToUnixTimeMilliseconds());
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Checks a code against the newest live code sent for the link to the address. Every try is counted first, by one
    /// conditional update, so that no number of concurrent guesses gets more than <paramref name="maxAttempts"/> tries; a
    /// right code is then used up, once.
    /// </summary>
    public static async Task<CodeCheck> CheckCodeAsync(DbConnection connection, string linkId, string address, string code, DateTimeOffset now, int maxAttempts,
        CancellationToken cancellationToken = default)
    {
        long createdAt;
        string hash;
        await using (var select = Command(connection, null, """
            SELECT created_at, code_hash FROM link_codes WHERE link_id = @l AND address = @a AND used_at IS NULL AND expires_at > @now
            ORDER BY created_at DESC LIMIT 1
            """))
        {
            Sql.Add(select, "@l", linkId);
            Sql.Add(select, "@a", address.ToLowerInvariant());
            Sql.Add(select, "@now", now.ToUnixTimeMilliseconds());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return CodeCheck.NoCode;
            }

            createdAt = reader.GetInt64(0);
            hash = reader.GetString(1);
        }

        await using (var count = Command(connection, null,
            "UPDATE link_codes SET attempts = attempts + 1 WHERE link_id = @l AND address = @a AND created_at = @c AND used_at IS NULL AND attempts < @max"))
        {
            Sql.Add(count, "@l", linkId);
            Sql.Add(count, "@a", address.ToLowerInvariant());
            Sql.Add(count, "@c", createdAt);
            Sql.Add(count, "@max", maxAttempts);
            if (await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return CodeCheck.NoCode;
            }
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(CodeHash(linkId, address, code.Trim()))))
        {
            return CodeCheck.Wrong;
        }

        await using var use = Command(connection, null, "UPDATE link_codes SET used_at = @now WHERE link_id = @l AND address = @a AND created_at = @c AND used_at IS NULL");
        Sql.Add(use, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(use, "@l", linkId);
        Sql.Add(use, "@a", address.ToLowerInvariant());
        Sql.Add(use, "@c", createdAt);
        return await use.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? CodeCheck.Accepted : CodeCheck.NoCode;
    }

    private static async Task<IReadOnlyList<LinkRecord>> SelectAsync(DbConnection connection, string where, IReadOnlyList<(string Name, object Value)> parameters, int limit,
        CancellationToken cancellationToken)
    {
        await using var select = Command(connection, null, $"SELECT {Columns} FROM links WHERE {where} ORDER BY created_at DESC LIMIT @limit");
        foreach (var (name, value) in parameters)
        {
            Sql.Add(select, name, value);
        }

        Sql.Add(select, "@limit", limit);
        var list = new List<LinkRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new LinkRecord
            {
                Id = reader.GetString(0),
                MessageId = reader.GetString(1),
                Sender = reader.GetString(2),
                CreatedAt = Time(reader, 3)!.Value,
                ExpiresAt = Time(reader, 4)!.Value,
                RevokedAt = Time(reader, 5),
                RevokedBy = reader.IsDBNull(6) ? null : reader.GetString(6),
                FirstDownloadAt = Time(reader, 7),
                PurgedAt = Time(reader, 8),
                TotalBytes = reader.GetInt64(9),
            });
        }

        return list;
    }

    private static async Task<LinkRecord> WithDetailsAsync(DbConnection connection, LinkRecord link, CancellationToken cancellationToken)
    {
        var files = new List<LinkFile>();
        await using (var select = Command(connection, null, "SELECT ordinal, name, content_type, size, sha256, path FROM link_files WHERE link_id = @l ORDER BY ordinal"))
        {
            Sql.Add(select, "@l", link.Id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                files.Add(new LinkFile(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        var recipients = new List<string>();
        await using (var select = Command(connection, null, "SELECT address FROM link_recipients WHERE link_id = @l ORDER BY address"))
        {
            Sql.Add(select, "@l", link.Id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                recipients.Add(reader.GetString(0));
            }
        }

        return link with { Files = files, Recipients = recipients };
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
}
