using System.Globalization;
using System.Text;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Storage.Spool;

/// <summary>
/// One gateway process per data directory: an exclusive lock on <c>gateway.lock</c> (flock on Linux, through .NET's
/// <see cref="FileShare.None"/>), held for the life of the process and released by the kernel when it dies, however it
/// dies; its process id goes to <c>gateway.pid</c> beside it, for the message a second process gets. Two gateways on one spool would each take the other's segments for finished ones and delete mail that was
/// acknowledged. The command line does not take it: it works beside the running gateway.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the data directory for this process; refuses (naming the holder) when another gateway has it.</summary>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "gateway.lock");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SettingsException([
                $"SafeMail:Gateway:DataDirectory: {dataDirectory} に書き込めません（{e.Message}） / cannot write to {dataDirectory} ({e.Message})",
            ]);
        }
        catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException))
        {
            var holder = ReadHolder(Path.Combine(dataDirectory, "gateway.pid"));
            throw new SettingsException([
                $"SafeMail:Gateway:DataDirectory: {dataDirectory} は別のゲートウェイ（{holder}）が使用中です。ノードごとに別のフォルダーを指定してください / " +
                $"{dataDirectory} is in use by another gateway ({holder}); give each gateway process a data directory of its own",
            ]);
        }

        File.WriteAllText(Path.Combine(dataDirectory, "gateway.pid"), string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n"), Encoding.ASCII);
        return new DataDirectoryLock(file);
    }

    /// <summary>Lets the directory go (the kernel does the same when the process dies).</summary>
    public void Dispose() => _file.Dispose();

    private static string ReadHolder(string path)
    {
        try
        {
            var pid = File.ReadAllText(path, Encoding.ASCII).Trim();
            return pid.Length > 0 && pid.All(char.IsAsciiDigit) ? "pid " + pid : "pid unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "pid unknown";
        }
    }
}
