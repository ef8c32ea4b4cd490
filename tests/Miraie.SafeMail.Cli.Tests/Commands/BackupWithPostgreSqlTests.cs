using System.Net;
using System.Net.Sockets;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// <c>safemail backup</c> and <c>restore</c> copy SQLite's data directory. With the PostgreSQL provider a "backup" of that
/// directory would leave out the database: both refuse, in Japanese and English, naming pg_dump / pg_restore, before they
/// connect to anything or write anything. Runs in both runs: the refusal needs no server (the one named is never reached).
/// </summary>
public class BackupWithPostgreSqlTests
{
    private string _work = null!;

    [SetUp]
    public void SetUp() => _work = Directory.CreateTempSubdirectory("safemail-pg-backup-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_work, recursive: true);

    [Test]
    public async Task Backup_refuses_and_points_to_pg_dump_in_both_languages_writing_nothing()
    {
        var target = Path.Combine(_work, "backup");
        var en = await SafemailProcess.RunInAsync("en", PostgreSql(), "backup", target);
        en.ExitCode.Should().Be(64, en.Error);
        en.Error.Should().StartWith("safemail: safemail backup copies SQLite's data directory and does not apply with SafeMail:Gateway:DatabaseProvider = PostgreSql")
            .And.Contain("pg_dump").And.Contain("keys folder");
        var ja = await SafemailProcess.RunInAsync("ja", PostgreSql(), "backup", target);
        ja.ExitCode.Should().Be(64, ja.Error);
        ja.Error.Should().StartWith("safemail: PostgreSQL を使う構成（SafeMail:Gateway:DatabaseProvider = PostgreSql）では safemail backup は使えません。")
            .And.Contain("pg_dump").And.Contain("keys フォルダー");
        Directory.Exists(target).Should().BeFalse("nothing is written");
    }

    [Test]
    public async Task Restore_refuses_and_points_to_pg_restore_in_both_languages_writing_nothing()
    {
        var backup = Directory.CreateDirectory(Path.Combine(_work, "backup")).FullName;
        await File.WriteAllTextAsync(Path.Combine(backup, "MANIFEST.json"), "{}");
        var en = await SafemailProcess.RunInAsync("en", PostgreSql(), "restore", backup);
        en.ExitCode.Should().Be(64, en.Error);
        en.Error.Should().StartWith("safemail: safemail restore puts back a backup of SQLite's data directory and does not apply with SafeMail:Gateway:DatabaseProvider = PostgreSql")
            .And.Contain("pg_restore");
        var ja = await SafemailProcess.RunInAsync("ja", PostgreSql(), "restore", backup);
        ja.ExitCode.Should().Be(64, ja.Error);
        ja.Error.Should().StartWith("safemail: PostgreSQL を使う構成（SafeMail:Gateway:DatabaseProvider = PostgreSql）では safemail restore は使えません。")
            .And.Contain("pg_restore");
        Directory.Exists(Path.Combine(_work, "data")).Should().BeFalse("nothing is restored");
    }

    // A PostgreSQL deployment whose server would refuse any connection (a closed port): the commands must not need it.
    private Dictionary<string, string> PostgreSql()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        return new Dictionary<string, string>
        {
            ["SafeMail__Gateway__DataDirectory"] = Path.Combine(_work, "data"),
            ["SafeMail__Gateway__DatabaseProvider"] = "PostgreSql",
            ["SafeMail__Gateway__ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=safemail;Username=safemail",
        };
    }
}
