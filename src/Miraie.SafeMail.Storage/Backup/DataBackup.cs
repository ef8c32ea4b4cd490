using System.Globalization;
using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Backup;

/// <summary>
/// A consistent copy of a data directory, taken while the gateway and the console run. The database is copied first,
/// with SQLite's online backup (one consistent snapshot; writers are not stopped); then exactly the files that snapshot
/// needs: the spool segments of queued mail and the files of quarantined and queued mail (the queue, the quarantine and
/// gateway-made mail), and the data-protection keys (archive passwords and sessions open with them). Mail that finished
/// between the snapshot and the copy has no file any more: the whole backup is then taken again (a few times at most),
/// so a backup never names a file it does not hold. <c>MANIFEST.json</c> lists every file with its SHA-256.
/// Delivered mail's bytes are not kept (the gateway keeps none either); its records are in the database.
/// </summary>
public static class DataBackup
{
    private const int Attempts = 5;

    /// <summary>Writes a backup of <paramref name="dataDirectory"/> (whose database is <paramref name="database"/>) into <paramref name="target"/>, a new or empty folder.</summary>
    public static async Task<BackupManifest> CreateAsync(SafeMailDatabase database, string dataDirectory, string target, TimeProvider clock,
        CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(dataDirectory);
        target = Path.GetFullPath(target);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new BackupException(new LocalizedText(
                $"バックアップ先は空のフォルダーにしてください: {target}", $"the backup folder must be new or empty: {target}"));
        }

        if (target.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || target == root)
        {
            throw new BackupException(new LocalizedText(
                $"バックアップ先をデータフォルダーの中にはできません: {target}", $"the backup folder cannot be inside the data directory: {target}"));
        }

        for (var attempt = 1; ; attempt++)
        {
            PrepareEmpty(target);
            var manifest = await TryOnceAsync(database, root, target, clock, cancellationToken).ConfigureAwait(false);
            if (manifest is not null)
            {
                return manifest;
            }

            if (attempt == Attempts)
            {
                throw new BackupException(new LocalizedText(
                    $"メールの出入りが多く、{Attempts}回試しても整合したバックアップを取れませんでした。時間をおいて再実行してください",
                    $"mail kept finishing while the files were copied; no consistent backup after {Attempts} attempts — try again later"));
            }
        }
    }

    private static async Task<BackupManifest?> TryOnceAsync(SafeMailDatabase database, string root, string target, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var createdAt = clock.GetUtcNow();
        var snapshot = Path.Combine(target, "safemail.db");
        await using (var source = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = snapshot, Pooling = false }.ToString()))
        {
            await copy.OpenAsync(cancellationToken).ConfigureAwait(false);
            ((SqliteConnection)source).BackupDatabase(copy); // DataBackup is for the SQLite provider (the caller checks)
            await using var journal = copy.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=DELETE"; // one self-contained file; the gateway turns WAL back on when it opens it
            await journal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var (needed, counts, schema) = await ReadSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var files = new List<BackupFile> { await HashedAsync(target, "safemail.db", cancellationToken).ConfigureAwait(false) };
        foreach (var (path, minimumLength) in needed)
        {
            var copied = await BackupFiles.CopyAsync(root, target, path, cancellationToken).ConfigureAwait(false);
            if (copied is null || copied.Size < minimumLength)
            {
                return null; // finished (and removed) since the snapshot, or not what the snapshot says: take it again
            }

            files.Add(copied);
        }

        var keys = Path.Combine(root, "keys");
        if (Directory.Exists(keys))
        {
            foreach (var key in Directory.GetFiles(keys, "*.xml").Order(StringComparer.Ordinal))
            {
                files.Add(await BackupFiles.CopyAsync(root, target, Path.GetRelativePath(root, key), cancellationToken).ConfigureAwait(false)
                          ?? throw new IOException($"key file {key} disappeared during the backup"));
            }
        }

        var manifest = new BackupManifest { CreatedAt = createdAt, Source = root, SchemaVersion = schema, Messages = counts, Files = files };
        FileSync.WriteDurably(Path.Combine(target, BackupManifest.FileName), s => s.Write(manifest.ToUtf8()));
        return manifest;
    }

    /// <summary>Files the snapshot's live mail needs (relative path, least length), the count per state, the schema version.</summary>
    private static async Task<(List<(string Path, long MinimumLength)> Needed, Dictionary<string, long> Counts, long Schema)> ReadSnapshotAsync(
        string snapshot, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = snapshot, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var needed = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var live = connection.CreateCommand())
        {
            live.CommandText = "SELECT segment, segment_offset, size, file_path FROM messages WHERE state IN (@queued, @held, @awaiting, @quarantined)";
            live.Parameters.AddWithValue("@queued", MessageState.Queued);
            live.Parameters.AddWithValue("@held", MessageState.Held);
            live.Parameters.AddWithValue("@awaiting", MessageState.AwaitingApproval);
            live.Parameters.AddWithValue("@quarantined", MessageState.Quarantined);
            await using var reader = await live.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string path;
                long end;
                if (!reader.IsDBNull(3))
                {
                    path = reader.GetString(3);
                    end = 0;
                }
                else if (!reader.IsDBNull(0))
                {
                    path = "spool/" + Path.GetFileName(reader.GetString(0));
                    end = reader.GetInt64(1) + reader.GetInt64(2);
                }
                else
                {
                    continue;
                }

                needed[path] = Math.Max(end, needed.GetValueOrDefault(path));
            }
        }

        var counts = await CountByStateAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var version = connection.CreateCommand();
        version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var schema = Convert.ToInt64(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return ([.. needed.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => (n.Key, n.Value))], counts, schema);
    }

    /// <summary>Messages per state, as the manifest records them and a restore checks them.</summary>
    internal static async Task<Dictionary<string, long>> CountByStateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var byState = connection.CreateCommand();
        byState.CommandText = "SELECT state, COUNT(*) FROM messages GROUP BY state ORDER BY state";
        await using var reader = await byState.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task<BackupFile> HashedAsync(string root, string relativePath, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, relativePath);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Flush(flushToDisk: true);
        }

        return new BackupFile(relativePath, new FileInfo(path).Length, await BackupFiles.HashAsync(path, cancellationToken).ConfigureAwait(false));
    }

    private static void PrepareEmpty(string target)
    {
        if (Directory.Exists(target))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(target))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
        else if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(target);
        }
        else
        {
            Directory.CreateDirectory(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
