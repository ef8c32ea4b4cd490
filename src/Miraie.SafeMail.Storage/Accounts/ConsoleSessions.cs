using System.Data.Common;
using System.Security.Cryptography;

namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>
/// The web console's sessions, kept on the server: a session cookie names its row, and a cookie whose row is gone opens
/// nothing — signing out deletes the row, so a copy of the cookie saved before is worthless. Local and Entra ID sessions
/// alike. Rows of sessions unseen for longer than the session timeout are deleted when a new session starts.
/// </summary>
public static class ConsoleSessions
{
    /// <summary>How stale <c>last_seen_at</c> may get before a request refreshes it (one write a minute per active session at most).</summary>
    public static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(1);

    /// <summary>Starts a session for <paramref name="user"/>: its new id. Deletes sessions unseen since <paramref name="unseenSince"/>.</summary>
    public static async Task<string> StartAsync(DbConnection connection, string user, DateTimeOffset now, DateTimeOffset unseenSince,
        CancellationToken cancellationToken = default)
    {
        var id = RandomNumberGenerator.GetHexString(32, lowercase: true);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            DELETE FROM console_sessions WHERE last_seen_at < @old;
            INSERT INTO console_sessions (id, user_name, created_at, last_seen_at) VALUES (@id, @u, @now, @now)
            """;
        Sql.Add(insert, "@old", unseenSince.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@id", id);
        Sql.Add(insert, "@u", user);
        Sql.Add(insert, "@now", now.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>True when session <paramref name="id"/> of <paramref name="user"/> is still open (it is then marked seen).</summary>
    public static async Task<bool> IsOpenAsync(DbConnection connection, string id, string user, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT last_seen_at FROM console_sessions WHERE id = @id AND user_name = @u";
        Sql.Add(select, "@id", id);
        Sql.Add(select, "@u", user);
        if (await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long seen)
        {
            return false;
        }

        // Read first, write rarely: most requests only read, and never wait for the gateway's writes.
        if (now - DateTimeOffset.FromUnixTimeMilliseconds(seen) > SeenResolution)
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE console_sessions SET last_seen_at = @now WHERE id = @id";
            Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
            Sql.Add(update, "@id", id);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Ends session <paramref name="id"/> (nothing when it has already ended).</summary>
    public static async Task EndAsync(DbConnection connection, string id, CancellationToken cancellationToken = default)
    {
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM console_sessions WHERE id = @id";
        Sql.Add(delete, "@id", id);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
