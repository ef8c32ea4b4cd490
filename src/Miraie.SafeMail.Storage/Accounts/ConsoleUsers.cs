using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>
/// The web console's local accounts: ASP.NET Core Identity's password hasher (PBKDF2-HMAC-SHA512), a security stamp that
/// ends other sessions when an account changes, and the last-admin rule kept inside one write transaction. No account exists
/// until one is made from the command line (<c>safemail users add</c>): there is no default password. Failed sign-ins lock
/// nothing here: the console slows guessing down per client and per account instead (ADR-011).
/// </summary>
public static class ConsoleUsers
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Verified against when the name is unknown, so that unknown names cost the same time as wrong passwords.
    private static readonly string DummyHash = Hasher.HashPassword("", RandomNumberGenerator.GetHexString(32));

    private const string Columns = "name, role, disabled, failed_count, security_stamp, created_at, last_sign_in_at, sign_in_reset_at";

    /// <summary>The shortest password accepted.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>Adds an account; false when the name is taken.</summary>
    public static async Task<bool> AddAsync(DbConnection connection, string name, string password, string role, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO console_users (name, password_hash, role, disabled, failed_count, security_stamp, created_at)
            VALUES (@n, @h, @r, 0, 0, @s, @c) ON CONFLICT (name) DO NOTHING
            """;
        Sql.Add(insert, "@n", name);
        Sql.Add(insert, "@h", Hasher.HashPassword(name, password));
        Sql.Add(insert, "@r", role);
        Sql.Add(insert, "@s", NewStamp());
        Sql.Add(insert, "@c", now.ToUnixTimeMilliseconds());
        return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Sets a new password; false when there is no such account.</summary>
    public static Task<bool> SetPasswordAsync(DbConnection connection, string name, string password, CancellationToken cancellationToken = default) =>
        UpdateAsync(connection, name, "password_hash = @v, failed_count = 0, locked_until = NULL", Hasher.HashPassword(name, password), cancellationToken);

    /// <summary>
    /// Clears the account's sign-in wait: its throttle counts (<see cref="SignInCounts"/>, shared by every console node) are
    /// dropped and the time is recorded; false when there is no such account. The password and sessions stay.
    /// </summary>
    public static async Task<bool> ClearSignInWaitAsync(DbConnection connection, string name, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE console_users SET sign_in_reset_at = @at, failed_count = 0, locked_until = NULL WHERE name = @n";
        Sql.Add(update, "@at", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@n", name);
        if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        await SignInCounts.ClearAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Changes the role. Refused (<see cref="AccountChange.LastAdmin"/>) when it would leave no enabled admin: the check and
    /// the change are one statement in one serializable transaction (retried when PostgreSQL reports a conflict), so two
    /// admins demoting each other at the same moment cannot both succeed, on either engine, from one console or two.
    /// </summary>
    public static Task<AccountChange> SetRoleAsync(DbConnection connection, string name, string role, CancellationToken cancellationToken = default) =>
        GuardedUpdateAsync(connection, name, "role = @v", role, removesAdmin: role != ConsoleRoles.Admin, cancellationToken);

    /// <summary>Disables or enables the account; disabling the last enabled admin is refused as in <see cref="SetRoleAsync"/>.</summary>
    public static Task<AccountChange> SetDisabledAsync(DbConnection connection, string name, bool disabled, CancellationToken cancellationToken = default) =>
        GuardedUpdateAsync(connection, name, "disabled = @v", disabled ? 1 : 0, removesAdmin: disabled, cancellationToken);

    /// <summary>One account, or null.</summary>
    public static async Task<ConsoleUser?> GetAsync(DbConnection connection, string name, CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync(connection, "WHERE name = @n", name, cancellationToken).ConfigureAwait(false);
        return list.Count > 0 ? list[0] : null;
    }

    /// <summary>Every account, by name.</summary>
    public static Task<IReadOnlyList<ConsoleUser>> ListAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        QueryAsync(connection, "", null, cancellationToken);

    /// <summary>How many enabled admins exist (the last one may not be disabled or demoted).</summary>
    public static async Task<long> CountEnabledAdminsAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM console_users WHERE role = @r AND disabled = 0";
        Sql.Add(count, "@r", ConsoleRoles.Admin);
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Checks a password. The account when it is right and the account enabled (its failure count reset);
    /// <see cref="SignInResult.Disabled"/> only when it is right but the account disabled; otherwise
    /// <see cref="SignInResult.Failed"/> — unknown names are checked against a dummy hash, so they cost the same time.
    /// Nothing is written on failure: the caller records it (<see cref="RecordFailureAsync"/>) with its audit entry.
    /// </summary>
    public static async Task<SignInResult> SignInAsync(DbConnection connection, string name, string password, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT password_hash FROM console_users WHERE name = @n";
        Sql.Add(select, "@n", name);
        var hash = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        var verified = Hasher.VerifyHashedPassword(name, hash ?? DummyHash, password) != PasswordVerificationResult.Failed;
        var user = hash is null ? null : await GetAsync(connection, name, cancellationToken).ConfigureAwait(false);
        if (user is null || !verified)
        {
            return SignInResult.Failed;
        }

        if (user.Disabled)
        {
            return SignInResult.Disabled;
        }

        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE console_users SET failed_count = 0, locked_until = NULL, last_sign_in_at = @now WHERE name = @n";
        Sql.Add(update, "@n", name);
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return SignInResult.Success(user);
    }

    /// <summary>Counts a failed sign-in on the account (nothing when the name is unknown: the statement is the same).</summary>
    public static async Task RecordFailureAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE console_users SET failed_count = failed_count + 1 WHERE name = @n";
        Sql.Add(update, "@n", name);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> UpdateAsync(DbConnection connection, string name, string set, object value, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE console_users SET {set}, security_stamp = @s WHERE name = @n";
        Sql.Add(update, "@v", value);
        Sql.Add(update, "@s", NewStamp());
        Sql.Add(update, "@n", name);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    // A Serializable transaction on both engines. In Microsoft.Data.Sqlite it is BEGIN IMMEDIATE (not deferred): SQLite's
    // write lock is taken before anything is read, so the other enabled admins the statement counts cannot change until it
    // commits — of two concurrent demotions the second sees the first's result. In PostgreSQL it is SERIALIZABLE (SSI): both
    // may read the other as still an admin, but then one of the two fails at its update or commit with 40001 and nothing of it
    // is written; it runs again from the start and now sees the first's result. (The single UPDATE alone is not enough on
    // PostgreSQL under READ COMMITTED: each would count the other admin from before the other's change.) The transaction also
    // covers the follow-up read that tells "no such user" from "last admin".
    private static Task<AccountChange> GuardedUpdateAsync(DbConnection connection, string name, string set, object value, bool removesAdmin,
        CancellationToken cancellationToken) =>
        Sql.RetryConflictsAsync(() => GuardedUpdateOnceAsync(connection, name, set, value, removesAdmin, cancellationToken), cancellationToken);

    private static async Task<AccountChange> GuardedUpdateOnceAsync(DbConnection connection, string name, string set, object value, bool removesAdmin,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken)
            .ConfigureAwait(false);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = $"""
            UPDATE console_users SET {set}, security_stamp = @s
            WHERE name = @n AND (@removes = 0 OR role <> @admin OR disabled <> 0
                OR EXISTS (SELECT 1 FROM console_users WHERE role = @admin AND disabled = 0 AND name <> @n))
            """;
        Sql.Add(update, "@v", value);
        Sql.Add(update, "@s", NewStamp());
        Sql.Add(update, "@n", name);
        Sql.Add(update, "@removes", removesAdmin ? 1 : 0);
        Sql.Add(update, "@admin", ConsoleRoles.Admin);
        var changed = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        var result = AccountChange.Done;
        if (!changed)
        {
            await using var exists = connection.CreateCommand();
            exists.Transaction = transaction;
            exists.CommandText = "SELECT COUNT(*) FROM console_users WHERE name = @n";
            Sql.Add(exists, "@n", name);
            result = (long)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0 ? AccountChange.NoSuchUser : AccountChange.LastAdmin;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static async Task<IReadOnlyList<ConsoleUser>> QueryAsync(DbConnection connection, string where, string? name, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM console_users {where} ORDER BY name";
        if (name is not null)
        {
            Sql.Add(select, "@n", name);
        }

        var list = new List<ConsoleUser>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ConsoleUser(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, (int)reader.GetInt64(3), reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), Time(reader, 6), Time(reader, 7)));
        }

        return list;
    }

    private static DateTimeOffset? Time(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    private static string NewStamp() => RandomNumberGenerator.GetHexString(32, lowercase: true);
}
