using System.Runtime.InteropServices;

namespace Miraie.SafeMail.Storage.Spool;

/// <summary>
/// fsync for directories. A new file's name is durable only once its directory is synced; .NET has no API for
/// that, so on Linux it is two libc calls. Elsewhere it does nothing (the gateway's durability is specified for Linux).
/// </summary>
public static partial class FileSync
{
    private const int ReadOnly = 0x0;
    private const int DirectoryFlag = 0x10000; // O_DIRECTORY on x86-64 and arm64 Linux

    /// <summary>Makes the entries of <paramref name="directory"/> (created or renamed files) durable.</summary>
    public static void Directory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ReadOnly | DirectoryFlag);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Writes a new file through <paramref name="write"/> and makes it durable: data, then the directory entry.</summary>
    public static void WriteDurably(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            write(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        Directory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
