using System.Security.Cryptography;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Backup;

/// <summary>Copying between a data directory and a backup folder: private (0600 / 0700), synced, hashed on the way.</summary>
internal static class BackupFiles
{
    /// <summary>
    /// Copies <paramref name="relativePath"/> from <paramref name="fromRoot"/> to <paramref name="toRoot"/>, makes it
    /// durable and returns its size and SHA-256; null when the source does not exist (any more).
    /// </summary>
    public static async Task<BackupFile?> CopyAsync(string fromRoot, string toRoot, string relativePath, CancellationToken cancellationToken)
    {
        var source = Inside(fromRoot, relativePath);
        var target = Inside(toRoot, relativePath);
        FileStream input;
        try
        {
            input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        await using (input)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var output = new FileStream(target, options))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    size += read;
                }

                output.Flush(flushToDisk: true);
            }

            FileSync.Directory(Path.GetDirectoryName(target)!);
            return new BackupFile(relativePath.Replace('\\', '/'), size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }

    /// <summary><paramref name="relativePath"/> under <paramref name="root"/>; refuses a path that would leave it (a damaged or hostile manifest or database row).</summary>
    public static string Inside(string root, string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        var prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(relativePath) || !full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new BackupException(new Core.Text.LocalizedText(
                $"データフォルダーの外を指すパスは扱えません: {relativePath}", $"a path outside the data directory cannot be used: {relativePath}"), inputProblem: true);
        }

        return full;
    }
}
