using System.Data;
using System.Data.Common;

namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>
/// The sign-in throttle's counts in the database (ADR-011): shared by every console node on one database, kept across
/// restarts. The throttle reads, decides and writes the counts of one attempt under one lock that spans the nodes —
/// SQLite's write lock (<c>BEGIN IMMEDIATE</c>), a PostgreSQL transaction-scoped advisory lock — so a burst of parallel
/// attempts, on one node or several, cannot get past an allowance. One short transaction per attempt, beside the password
/// check's hashing, which costs far more.
/// </summary>
public static class SignInCounts
{
    // Any constant, the same in every node; SafeMailDatabase's migration lock uses ...0001.
    private const long LockKey = 0x5AFE_3A11_0002;

    /// <summary>
    /// Reads the counts named by <paramref name="keys"/> (those that exist), lets <paramref name="decide"/> choose the result
    /// and the counts to write, writes them and commits — all under the throttle's lock.
    /// </summary>
    public static async Task<T> ChangeAsync<T>(DbConnection connection, IReadOnlyList<string> keys,
        Func<IReadOnlyDictionary<string, SignInCount>, (T Result, IReadOnlyList<SignInCount> Write)> decide, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginLockedAsync(connection, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, SignInCount>(StringComparer.Ordinal);
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            var names = keys.Select((_, i) => "@k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            select.CommandText = $"SELECT key, account, failures, last_at, reported FROM sign_in_counts WHERE key IN ({string.Join(", ", names)})";
            for (var i = 0; i < keys.Count; i++)
            {
                Sql.Add(select, names[i], keys[i]);
            }

            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = Read(reader);
                found[count.Key] = count;
            }
        }

        var (result, write) = decide(found);
        foreach (var count in write)
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO sign_in_counts (key, account, failures, last_at, reported) VALUES (@k, @a, @f, @l, @r)
                ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, reported = excluded.reported
                """;
            Sql.Add(upsert, "@k", count.Key);
            Sql.Add(upsert, "@a", count.Account);
            Sql.Add(upsert, "@f", count.Failures);
            Sql.Add(upsert, "@l", count.Last.ToUnixTimeMilliseconds());
            Sql.Add(upsert, "@r", count.Reported);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>A successful sign-in: the counts in <paramref name="remove"/> start again, those in <paramref name="refund"/> lose one failure.</summary>
    public static async Task RefundAsync(DbConnection connection, IReadOnlyList<string> remove, IReadOnlyList<string> refund,
        CancellationToken cancellationToken = default)
    {
        foreach (var key in remove)
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM sign_in_counts WHERE key = @k";
            Sql.Add(delete, "@k", key);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var key in refund)
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE sign_in_counts SET failures = failures - 1 WHERE key = @k AND failures > 0";
            Sql.Add(update, "@k", key);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every count that belongs to an account and had a failure since <paramref name="since"/> (for the admins' list).</summary>
    public static async Task<IReadOnlyList<SignInCount>> OfAccountsAsync(DbConnection connection, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT key, account, failures, last_at, reported FROM sign_in_counts WHERE account IS NOT NULL AND last_at >= @since AND failures > 0";
        Sql.Add(select, "@since", since.ToUnixTimeMilliseconds());
        var list = new List<SignInCount>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Drops the account's counts (its own, its pairs, its browsers): an admin cleared its wait.</summary>
    public static async Task ClearAsync(DbConnection connection, DbTransaction? transaction, string account, CancellationToken cancellationToken = default)
    {
        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM sign_in_counts WHERE account = @a";
        Sql.Add(delete, "@a", account);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes counts without a failure since <paramref name="forgetBefore"/>, then, if more than <paramref name="maxRows"/>
    /// remain (a flood of made-up names), the oldest down to nine tenths of it: the guessers' own counts are the freshest.
    /// </summary>
    public static async Task PruneAsync(DbConnection connection, DateTimeOffset forgetBefore, int maxRows, CancellationToken cancellationToken = default)
    {
        await using (var forget = connection.CreateCommand())
        {
            forget.CommandText = "DELETE FROM sign_in_counts WHERE last_at < @before";
            Sql.Add(forget, "@before", forgetBefore.ToUnixTimeMilliseconds());
            await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var rows = await CountAsync(connection, cancellationToken).ConfigureAwait(false);
        if (rows <= maxRows)
        {
            return;
        }

        await using var oldest = connection.CreateCommand();
        oldest.CommandText = "DELETE FROM sign_in_counts WHERE key IN (SELECT key FROM sign_in_counts ORDER BY last_at LIMIT @n)";
        Sql.Add(oldest, "@n", rows - (maxRows - (maxRows / 10)));
        await oldest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many counts are stored.</summary>
    public static async Task<long> CountAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM sign_in_counts";
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    // SQLite: a Serializable transaction is BEGIN IMMEDIATE in Microsoft.Data.Sqlite — the database's one write lock, taken
    // before the read. PostgreSQL: an advisory lock held until the transaction ends; the statements after it (READ COMMITTED,
    // each with a fresh snapshot) see what the previous holder committed. One lock for all counts, as SQLite has: the
    // transaction is a few milliseconds, and a per-row scheme would have to order its locks across insert and update.
    private static async Task<DbTransaction> BeginLockedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (SqlDialect.Of(connection).Provider != DatabaseProvider.PostgreSql)
        {
            return await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var lockCommand = connection.CreateCommand();
            lockCommand.Transaction = transaction;
            lockCommand.CommandText = "SELECT pg_advisory_xact_lock(@key)";
            Sql.Add(lockCommand, "@key", LockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SignInCount Read(DbDataReader reader) => new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
        (int)reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetInt64(4) != 0);
}
