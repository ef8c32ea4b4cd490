using System.Runtime.InteropServices;

namespace Miraie.SafeMail.Storage.Spool;

/// <summary>
/// Keeps the data directory private to the service account: the database holds password hashes and audit, the spool and
/// quarantine hold customers' mail, <c>keys/</c> opens archive passwords and sessions. Every process that opens a data
/// directory (gateway, console, command line) first sets its file-creation mask to 077, so whatever it creates there —
/// SQLite's database, WAL and shared-memory files, data-protection keys, the lock and pid files — is 0600 / 0700 whatever
/// the shell's umask was; the directory itself is made 0700 and files an older version left readable are tightened.
/// (The systemd units also set <c>UMask=0077</c>; this covers <c>dotnet run</c>, the command line and other launchers.)
/// </summary>
public static partial class PrivateFiles
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static int _masked;

    /// <summary>
    /// Sets the process's umask to 077 (once), creates <paramref name="dataDirectory"/> 0700 if missing, and removes
    /// group and other permissions from the directory and from the files and folders directly under it and under
    /// <c>keys/</c>. Does nothing on Windows.
    /// </summary>
    public static void Secure(string dataDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (Interlocked.Exchange(ref _masked, 1) == 0)
        {
            _ = Umask(0b000_111_111); // 077: the previous mask is not needed
        }

        var root = Path.GetFullPath(dataDirectory);
        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Tighten(root);
        foreach (var entry in Directory.EnumerateFileSystemEntries(root))
        {
            Tighten(entry);
        }

        var keys = Path.Combine(root, "keys");
        if (Directory.Exists(keys))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(keys))
            {
                Tighten(entry);
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string path)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                File.SetUnixFileMode(path, mode & ~GroupOrOther);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's file (e.g. a pickup folder shared on purpose) or one removed meanwhile: leave it.
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
