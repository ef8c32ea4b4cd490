using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Cli.Tests;

/// <summary>
/// The data directory the command line creates (the first admin is usually made before the service ever ran) is as
/// private as the service's: with SQLite it holds the console's password hashes. About SQLite's file: pinned to SQLite
/// in both runs (<see cref="TestDatabase.PinSqlite"/>).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DataDirectoryTests
{
    private string _parent = null!;

    [SetUp]
    public void SetUp()
    {
        _parent = Directory.CreateTempSubdirectory("safemail-datadir-").FullName;
        TestDatabase.PinSqlite(_parent);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_parent, recursive: true);

    [Test]
    public async Task The_first_admin_creates_a_data_directory_nobody_else_can_read()
    {
        var data = Path.Combine(_parent, "data");
        var added = await SafemailProcess.RunWithInputAsync("Adm1n-Passw0rd-x", "en",
            new Dictionary<string, string> { ["SafeMail__Gateway__DataDirectory"] = data }, "users", "add", "yamada", "--role", "admin");
        added.ExitCode.Should().Be(0, added.Error);

        var entries = Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories).Prepend(data).ToList();
        entries.Should().Contain(e => Path.GetFileName(e) == "safemail.db");
        foreach (var entry in entries)
        {
            var mode = File.GetUnixFileMode(entry);
            (mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite))
                .Should().Be(UnixFileMode.None, $"{entry} is {mode}");
        }
    }
}
