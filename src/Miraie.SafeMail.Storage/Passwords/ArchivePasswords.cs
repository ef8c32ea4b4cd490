using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;

namespace Miraie.SafeMail.Storage.Passwords;

/// <summary>
/// Each archive's password, encrypted at rest with ASP.NET Core data protection (keys in the data directory, shared by
/// the console and the gateway) until it has gone to the recipients, then erased. Readable by the sender who made the
/// archive (the task pane) and by the gateway's password mail.
/// </summary>
public sealed class ArchivePasswords(SafeMailDatabase database, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Miraie.SafeMail.ArchivePasswords.v1");

    /// <summary>Stores a new archive's password and the SHA-256 of the ZIP it opens.</summary>
    public async Task SaveAsync(NewArchive archive, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await SaveAsync(connection, null, archive, now, cancellationToken);
    }

    /// <summary>Stores a new archive's password in <paramref name="transaction"/> (the gateway's own archives, with the message that carries them).</summary>
    public async Task SaveAsync(DbConnection connection, DbTransaction? transaction, NewArchive archive, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO archive_passwords (id, created_at, sender, recipients, file_name, encryption, password, archive_sha256)
            VALUES (@id, @at, @s, @r, @f, @e, @p, @h)
            """;
        Sql.Add(insert, "@id", archive.Id);
        Sql.Add(insert, "@at", now.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@s", archive.Sender.ToLowerInvariant());
        Sql.Add(insert, "@r", string.Join(',', archive.Recipients));
        Sql.Add(insert, "@f", archive.FileName);
        Sql.Add(insert, "@e", archive.Encryption);
        Sql.Add(insert, "@p", _protector.Protect(archive.Password));
        Sql.Add(insert, "@h", archive.Sha256);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The password of an archive the sender made, or null (unknown, someone else's, or already delivered).</summary>
    public async Task<string?> ReadAsync(string id, string sender, CancellationToken cancellationToken)
    {
        var archive = await GetAsync(id, cancellationToken);
        return archive is not null && string.Equals(archive.Sender, sender, StringComparison.OrdinalIgnoreCase) ? archive.Password : null;
    }

    /// <summary>An archive still waiting for its password to be delivered, with the password decrypted; null otherwise.</summary>
    public async Task<StoredArchive?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT sender, file_name, archive_sha256, password FROM archive_passwords WHERE id = @id AND delivered_at IS NULL";
        Sql.Add(select, "@id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredArchive(id, reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), _protector.Unprotect(reader.GetString(3)))
            : null;
    }

    /// <summary>
    /// The archive ids a received message may claim: the archive exists, its password is still kept, the message carries
    /// that very ZIP (same SHA-256), and the envelope or header sender is the one who made it. Others are returned apart
    /// with the reason, for the log and the audit trail.
    /// </summary>
    public async Task<(IReadOnlyList<string> Accepted, IReadOnlyList<string> Refused)> CheckClaimsAsync(IReadOnlyList<string> ids, IEnumerable<string> senders,
        IEnumerable<string> attachmentSha256, CancellationToken cancellationToken)
    {
        var accepted = new List<string>();
        var refused = new List<string>();
        var from = senders.Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var hashes = attachmentSha256.ToHashSet(StringComparer.OrdinalIgnoreCase);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var id in ids)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT sender, archive_sha256 FROM archive_passwords WHERE id = @id AND delivered_at IS NULL";
            Sql.Add(select, "@id", id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            var reason = !await reader.ReadAsync(cancellationToken) ? "unknown or already delivered"
                : !from.Contains(reader.GetString(0)) ? "made by another sender"
                : reader.IsDBNull(1) || !hashes.Contains(reader.GetString(1)) ? "the message does not carry that archive"
                : null;
            (reason is null ? accepted : refused).Add(reason is null ? id : $"{id}: {reason}");
        }

        return (accepted, refused);
    }

    /// <summary>Marks the password delivered and erases it; true when it was there.</summary>
    public static async Task<bool> MarkDeliveredAsync(DbConnection connection, DbTransaction? transaction, string id, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE archive_passwords SET password = '', delivered_at = @at WHERE id = @id AND delivered_at IS NULL";
        Sql.Add(update, "@id", id);
        Sql.Add(update, "@at", now.ToUnixTimeMilliseconds());
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
