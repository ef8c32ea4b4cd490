using System.Data.Common;
using Microsoft.AspNetCore.Identity;

namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>Users allowed to relay with SMTP AUTH (submission from clients outside the trusted networks).</summary>
public static class SmtpUsers
{
    /// <summary>ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, salted, iterated), the same the console uses.</summary>
    public static PasswordHasher<string> Hasher { get; } = new();

    /// <summary>Adds or replaces a user with a new password.</summary>
    public static async Task SetAsync(DbConnection connection, string name, string password, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO smtp_users (name, password_hash, disabled, created_at) VALUES (@n, @h, 0, @c)
            ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, disabled = 0
            """;
        Sql.Add(upsert, "@n", name);
        Sql.Add(upsert, "@h", Hasher.HashPassword(name, password));
        Sql.Add(upsert, "@c", now.ToUnixTimeMilliseconds());
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disables a user; true when the user existed.</summary>
    public static async Task<bool> DisableAsync(DbConnection connection, string name, CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE smtp_users SET disabled = 1 WHERE name = @n";
        Sql.Add(update, "@n", name);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The stored hash of an enabled user, or null.</summary>
    public static async Task<string?> HashOfAsync(DbConnection connection, string name, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT password_hash FROM smtp_users WHERE name = @n AND disabled = 0";
        Sql.Add(select, "@n", name);
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>All users: name and whether disabled.</summary>
    public static async Task<IReadOnlyList<(string Name, bool Disabled)>> ListAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT name, disabled FROM smtp_users ORDER BY name";
        var list = new List<(string, bool)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetString(0), reader.GetInt64(1) != 0));
        }

        return list;
    }
}
