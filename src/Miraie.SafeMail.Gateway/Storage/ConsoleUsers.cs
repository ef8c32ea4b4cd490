using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Miraie.SafeMail.Gateway.Storage;

/// <summary>
/// The web console's local accounts: ASP.NET Core Identity's password hasher (PBKDF2-HMAC-SHA512), lockout after
/// repeated failures, and a security stamp that ends other sessions when an account changes. No account exists until
/// one is made from the command line (<c>safemail users add</c>): there is no default password.
/// </summary>
public static class ConsoleUsers
{
    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public const int MaxFailures = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private static readonly PasswordHasher<string> Hasher = new();

    // Verified against when the name is unknown, so that unknown names cost the same time as wrong passwords.
    private static readonly string DummyHash = Hasher.HashPassword("", RandomNumberGenerator.GetHexString(32));

    /// <summary>The shortest password accepted.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>Adds an account; false when the name is taken.</summary>
    public static async Task<bool> AddAsync(SqliteConnection connection, string name, string password, string role, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO console_users (name, password_hash, role, disabled, failed_count, security_stamp, created_at)
            VALUES (@n, @h, @r, 0, 0, @s, @c) ON CONFLICT (name) DO NOTHING
            """;
        MessageTable.Add(insert, "@n", name);
        MessageTable.Add(insert, "@h", Hasher.HashPassword(name, password));
        MessageTable.Add(insert, "@r", role);
        MessageTable.Add(insert, "@s", NewStamp());
        MessageTable.Add(insert, "@c", now.ToUnixTimeMilliseconds());
        return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Sets a new password and unlocks the account; false when there is no such account.</summary>
    public static Task<bool> SetPasswordAsync(SqliteConnection connection, string name, string password, CancellationToken cancellationToken = default) =>
        UpdateAsync(connection, name, "password_hash = @v, failed_count = 0, locked_until = NULL", Hasher.HashPassword(name, password), cancellationToken);

    /// <summary>Changes the role; false when there is no such account.</summary>
    public static Task<bool> SetRoleAsync(SqliteConnection connection, string name, string role, CancellationToken cancellationToken = default) =>
        UpdateAsync(connection, name, "role = @v", role, cancellationToken);

    /// <summary>Disables or enables the account; false when there is no such account.</summary>
    public static Task<bool> SetDisabledAsync(SqliteConnection connection, string name, bool disabled, CancellationToken cancellationToken = default) =>
        UpdateAsync(connection, name, "disabled = @v, failed_count = 0, locked_until = NULL", disabled ? 1 : 0, cancellationToken);

    /// <summary>One account, or null.</summary>
    public static async Task<ConsoleUser?> GetAsync(SqliteConnection connection, string name, CancellationToken cancellationToken = default) =>
        First(await QueryAsync(connection, "WHERE name = @n", name, cancellationToken).ConfigureAwait(false));

    /// <summary>Every account, by name.</summary>
    public static Task<IReadOnlyList<ConsoleUser>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken = default) =>
        QueryAsync(connection, "", null, cancellationToken);

    /// <summary>How many enabled admins exist (the last one may not be disabled or demoted).</summary>
    public static async Task<long> CountEnabledAdminsAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM console_users WHERE role = @r AND disabled = 0";
        MessageTable.Add(count, "@r", ConsoleRoles.Admin);
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Checks a sign-in and records its outcome: the account when the password is right and the account is enabled
    /// and not locked; otherwise null, counting the failure (the fifth in a row locks the account).
    /// </summary>
    public static async Task<SignInResult> SignInAsync(SqliteConnection connection, string name, string password, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT password_hash FROM console_users WHERE name = @n";
        MessageTable.Add(select, "@n", name);
        var hash = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        var user = hash is null ? null : await GetAsync(connection, name, cancellationToken).ConfigureAwait(false);
        var verified = Hasher.VerifyHashedPassword(name, hash ?? DummyHash, password) != PasswordVerificationResult.Failed;
        if (user is null)
        {
            return SignInResult.Failed;
        }

        if (user.Disabled)
        {
            return SignInResult.Disabled;
        }

        if (user.LockedUntil is { } until && until > now)
        {
            return SignInResult.LockedOut;
        }

        await using var update = connection.CreateCommand();
        if (verified)
        {
            update.CommandText = "UPDATE console_users SET failed_count = 0, locked_until = NULL, last_sign_in_at = @now WHERE name = @n";
        }
        else
        {
            // The count restarts after a lockout has run out; reaching the maximum locks the account.
            update.CommandText = """
                UPDATE console_users SET
                  failed_count = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_count + 1 END,
                  locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_count + 1 END) >= @max THEN @until ELSE NULL END
                WHERE name = @n
                """;
            MessageTable.Add(update, "@max", MaxFailures);
            MessageTable.Add(update, "@until", (now + LockoutDuration).ToUnixTimeMilliseconds());
        }

        MessageTable.Add(update, "@n", name);
        MessageTable.Add(update, "@now", now.ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (verified)
        {
            return SignInResult.Success(user);
        }

        var after = await GetAsync(connection, name, cancellationToken).ConfigureAwait(false);
        return after?.LockedUntil is not null ? SignInResult.LockedOut : SignInResult.Failed;
    }

    private static async Task<bool> UpdateAsync(SqliteConnection connection, string name, string set, object value, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE console_users SET {set}, security_stamp = @s WHERE name = @n";
        MessageTable.Add(update, "@v", value);
        MessageTable.Add(update, "@s", NewStamp());
        MessageTable.Add(update, "@n", name);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<IReadOnlyList<ConsoleUser>> QueryAsync(SqliteConnection connection, string where, string? name, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT name, role, disabled, failed_count, locked_until, security_stamp, created_at, last_sign_in_at
            FROM console_users {where} ORDER BY name
            """;
        if (name is not null)
        {
            MessageTable.Add(select, "@n", name);
        }

        var list = new List<ConsoleUser>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ConsoleUser(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, (int)reader.GetInt64(3),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return list;
    }

    private static string NewStamp() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static T? First<T>(IReadOnlyList<T> list)
        where T : class => list.Count > 0 ? list[0] : null;
}
