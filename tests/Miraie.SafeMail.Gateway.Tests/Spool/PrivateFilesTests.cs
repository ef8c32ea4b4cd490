using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Tests.Spool;

/// <summary>The data directory holds password hashes, customers' mail and the keys that open archive passwords: nobody but the service account reads it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PrivateFilesTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private string _parent = null!;

    [SetUp]
    public void SetUp() => _parent = Directory.CreateTempSubdirectory("safemail-private-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_parent, recursive: true);

    [Test]
    public async Task A_new_data_directory_and_its_database_files_are_private()
    {
        var data = Path.Combine(_parent, "data");
        var database = SafeMailDatabase.For(data);
        await database.MigrateAsync();
        await using (var connection = await database.OpenAsync())
        {
            // the WAL and shared-memory files exist while a connection is open
            File.GetUnixFileMode(data).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var files = Directory.GetFiles(data);
            files.Select(Path.GetFileName).Should().Contain(["safemail.db", "safemail.db-wal", "safemail.db-shm"]);
            foreach (var file in files)
            {
                (File.GetUnixFileMode(file) & GroupOrOther).Should().Be(UnixFileMode.None, file);
            }
        }
    }

    [Test]
    public void Files_an_older_version_left_readable_are_tightened_and_new_files_are_private()
    {
        var data = Directory.CreateDirectory(Path.Combine(_parent, "old"), (UnixFileMode)0b111_101_101).FullName;
        var db = Path.Combine(data, "safemail.db");
        File.WriteAllText(db, "");
        File.SetUnixFileMode(db, (UnixFileMode)0b110_100_100);
        var keys = Directory.CreateDirectory(Path.Combine(data, "keys")).FullName;
        var key = Path.Combine(keys, "key-1.xml");
        File.WriteAllText(key, "<key/>");
        File.SetUnixFileMode(key, (UnixFileMode)0b110_100_100);

        PrivateFiles.Secure(data);

        (File.GetUnixFileMode(data) & GroupOrOther).Should().Be(UnixFileMode.None);
        File.GetUnixFileMode(db).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(key).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var later = Path.Combine(keys, "key-2.xml");
        File.WriteAllText(later, "<key/>"); // created with the process's mask, as data protection writes its keys
        (File.GetUnixFileMode(later) & GroupOrOther).Should().Be(UnixFileMode.None);
    }
}
