using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// Each archive's password, encrypted at rest with ASP.NET Core data protection (keys in the data directory) until it is
/// delivered, and readable only by the sender who made the archive.
/// </summary>
public sealed class ArchivePasswords(GatewayDatabase database, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Miraie.SafeMail.ArchivePasswords.v1");

    /// <summary>Stores a new archive's password.</summary>
    public async Task SaveAsync(string id, string sender, IReadOnlyList<string> recipients, string fileName, string encryption, string password, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO archive_passwords (id, created_at, sender, recipients, file_name, encryption, password)
            VALUES (@id, @at, @s, @r, @f, @e, @p)
            """;
        MessageTable.Add(insert, "@id", id);
        MessageTable.Add(insert, "@at", now.ToUnixTimeMilliseconds());
        MessageTable.Add(insert, "@s", sender.ToLowerInvariant());
        MessageTable.Add(insert, "@r", string.Join(',', recipients));
        MessageTable.Add(insert, "@f", fileName);
        MessageTable.Add(insert, "@e", encryption);
        MessageTable.Add(insert, "@p", _protector.Protect(password));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The password of an archive the sender made, or null (unknown, someone else's, or already delivered).</summary>
    public async Task<string?> ReadAsync(string id, string sender, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT password FROM archive_passwords WHERE id = @id AND sender = @s AND delivered_at IS NULL";
        MessageTable.Add(select, "@id", id);
        MessageTable.Add(select, "@s", sender.ToLowerInvariant());
        return await select.ExecuteScalarAsync(cancellationToken) is string stored ? _protector.Unprotect(stored) : null;
    }

    /// <summary>Marks the password delivered and erases it; true when it was there.</summary>
    public static async Task<bool> MarkDeliveredAsync(SqliteConnection connection, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE archive_passwords SET password = '', delivered_at = @at WHERE id = @id AND delivered_at IS NULL";
        MessageTable.Add(update, "@id", id);
        MessageTable.Add(update, "@at", now.ToUnixTimeMilliseconds());
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
