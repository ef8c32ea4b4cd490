using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace Miraie.SafeMail.Storage.Nodes;

/// <summary>
/// A job that must not run on two nodes at once (password mails, the retention purge). With PostgreSQL: a session
/// advisory lock held on a connection of its own for as long as the job runs — a node that dies loses its connection
/// and with it the lock, so no lock outlives its holder. With SQLite there is one node per database (the data directory
/// lock, ADR-005): the lock is always granted.
/// </summary>
public sealed class ClusterLock : IAsyncDisposable
{
    private readonly DbConnection? _connection;
    private readonly long _key;

    private ClusterLock(DbConnection? connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Takes the lock named <paramref name="name"/> if no other node holds it; null when another does.</summary>
    public static async Task<ClusterLock?> TryAcquireAsync(SafeMailDatabase database, string name, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(name);
        if (database.Provider != DatabaseProvider.PostgreSql)
        {
            return new ClusterLock(null, key);
        }

        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var take = connection.CreateCommand();
            take.CommandText = "SELECT pg_try_advisory_lock(@key)";
            Sql.Add(take, "@key", key);
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new ClusterLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Takes the lock named <paramref name="name"/>, waiting while another node holds it (checked twice a second); null
    /// when it is still held after <paramref name="patience"/>.
    /// </summary>
    public static async Task<ClusterLock?> AcquireAsync(SafeMailDatabase database, string name, TimeSpan patience, TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        var deadline = time.GetUtcNow() + patience;
        while (true)
        {
            if (await TryAcquireAsync(database, name, cancellationToken).ConfigureAwait(false) is { } taken)
            {
                return taken;
            }

            if (time.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A stable 64-bit key for a lock name, the same on every node and version.</summary>
    internal static long KeyOf(string name) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("safemail:" + name)));

    /// <summary>Lets go of the lock (and of its connection: a lock whose unlock fails ends with the session).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        try
        {
            await using var release = _connection.CreateCommand();
            release.CommandText = "SELECT pg_advisory_unlock(@key)";
            Sql.Add(release, "@key", _key);
            await release.ExecuteScalarAsync().ConfigureAwait(false);
        }
        catch (DbException)
        {
            // the connection is broken: the server has dropped the session and its locks already
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
