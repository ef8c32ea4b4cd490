using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Backup;

/// <summary>
/// Puts a backup made by <see cref="DataBackup"/> into a data directory that holds no database yet (a new machine, or
/// the old directory moved aside): every file is checked against the manifest before anything is written, the
/// directory is locked against a gateway starting meanwhile, files are written private and synced, and the restored
/// database is checked (integrity, messages per state as backed up). Schema migrations newer than the backup run when
/// the gateway next starts, as for any upgrade.
/// </summary>
public static class DataRestore
{
    /// <summary>Restores <paramref name="backup"/> into <paramref name="dataDirectory"/>; returns the manifest it restored.</summary>
    public static async Task<BackupManifest> RestoreAsync(string backup, string dataDirectory, CancellationToken cancellationToken = default)
    {
        backup = Path.GetFullPath(backup);
        var manifestPath = Path.Combine(backup, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new BackupException(new LocalizedText(
                $"バックアップではありません（{BackupManifest.FileName} がありません）: {backup}", $"not a backup ({BackupManifest.FileName} is missing): {backup}"), inputProblem: true);
        }

        var manifest = BackupManifest.Parse(await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false));
        if (manifest is not { Format: 1 } || !manifest.Files.Any(f => f.Path == "safemail.db"))
        {
            throw new BackupException(new LocalizedText(
                $"{BackupManifest.FileName} を読めません（壊れているか、この版の知らない形式です）", $"{BackupManifest.FileName} cannot be read (damaged, or a format this version does not know)"), inputProblem: true);
        }

        await VerifyAsync(backup, manifest, cancellationToken).ConfigureAwait(false);

        var root = Path.GetFullPath(dataDirectory);
        PrivateFiles.Secure(root);
        if (File.Exists(Path.Combine(root, "safemail.db")))
        {
            throw new BackupException(new LocalizedText(
                $"復元先には既にデータがあります: {root}。上書きはしません。今のフォルダーを別名に移してから実行してください",
                $"the data directory already holds data: {root}. Nothing is overwritten: move it aside first"));
        }

        DataDirectoryLock held;
        try
        {
            held = DataDirectoryLock.Acquire(root);
        }
        catch (SettingsException e)
        {
            throw new BackupException(new LocalizedText(string.Join(" ", e.Errors), string.Join(" ", e.Errors)));
        }

        using (held)
        {
            // The database last: until it is in place the directory does not look like data, and a failed restore removes
            // what it wrote, so it can simply be run again.
            var written = new List<string>();
            try
            {
                foreach (var file in manifest.Files.OrderBy(f => f.Path == "safemail.db"))
                {
                    if (File.Exists(BackupFiles.Inside(root, file.Path)))
                    {
                        throw new BackupException(new LocalizedText(
                            $"復元先に同じ名前のファイルがあります: {file.Path}。上書きはしません", $"the data directory already has {file.Path}; nothing is overwritten"));
                    }

                    written.Add(file.Path);
                    var copied = await BackupFiles.CopyAsync(backup, root, file.Path, cancellationToken).ConfigureAwait(false);
                    if (copied is null || copied.Sha256 != file.Sha256)
                    {
                        throw new BackupException(new LocalizedText(
                            $"復元中にバックアップのファイルが変わりました: {file.Path}", $"a backup file changed while it was restored: {file.Path}"), inputProblem: true);
                    }
                }

                await CheckDatabaseAsync(Path.Combine(root, "safemail.db"), manifest, cancellationToken).ConfigureAwait(false);
                await ResumeQueueAsync(Path.Combine(root, "safemail.db"), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                foreach (var path in written)
                {
                    File.Delete(BackupFiles.Inside(root, path));
                }

                throw;
            }
        }

        return manifest;
    }

    /// <summary>
    /// The restored queue is retried as soon as a gateway starts on it: leases held by the node the backup came from are
    /// let go (that node may never come back to return them) and waits for a later retry end now — after a restore the
    /// queue has waited long enough. Expiry times stay: a message past its delivery lifetime still gets its report.
    /// </summary>
    private static async Task ResumeQueueAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var resume = connection.CreateCommand();
        resume.CommandText = "UPDATE messages SET lease_owner = NULL, lease_until = NULL, next_attempt_at = MIN(COALESCE(next_attempt_at, @now), @now) WHERE state = 'queued'";
        resume.Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await resume.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task VerifyAsync(string backup, BackupManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var file in manifest.Files)
        {
            var path = BackupFiles.Inside(backup, file.Path);
            if (!File.Exists(path) || new FileInfo(path).Length != file.Size
                || await BackupFiles.HashAsync(path, cancellationToken).ConfigureAwait(false) != file.Sha256)
            {
                throw new BackupException(new LocalizedText(
                    $"バックアップが壊れています（{file.Path} が記録と違います）。何も復元していません",
                    $"the backup is damaged ({file.Path} differs from its manifest); nothing was restored"), inputProblem: true);
            }
        }
    }

    private static async Task CheckDatabaseAsync(string database, BackupManifest manifest, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var integrity = connection.CreateCommand())
        {
            integrity.CommandText = "PRAGMA integrity_check";
            var result = (string?)await integrity.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (result != "ok")
            {
                throw new BackupException(new LocalizedText($"復元したデータベースが壊れています: {result}", $"the restored database is damaged: {result}"), inputProblem: true);
            }
        }

        var counts = await DataBackup.CountByStateAsync(connection, cancellationToken).ConfigureAwait(false);
        if (counts.Count != manifest.Messages.Count || counts.Any(c => manifest.Messages.GetValueOrDefault(c.Key) != c.Value))
        {
            throw new BackupException(new LocalizedText(
                "復元したデータベースの件数がバックアップの記録と違います", "the restored database's message counts differ from the backup's manifest"), inputProblem: true);
        }
    }
}
