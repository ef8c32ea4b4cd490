using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// <c>safemail backup</c> while a gateway process accepts mail, and <c>safemail restore</c> into a new data directory:
/// the restored quarantine and queue hold the same messages with the same bytes, a gateway started on it delivers the
/// queue and releases from the quarantine; a damaged backup or a directory with data is refused and nothing is written.
/// These commands copy SQLite's data directory: pinned to SQLite in both runs (<see cref="TestDatabase.PinSqlite"/>); with
/// PostgreSQL they refuse (<see cref="BackupWithPostgreSqlTests"/>).
/// </summary>
[NonParallelizable]
public class BackupCommandTests
{
    private string _work = null!;
    private string _data = null!;
    private GatewayProcess _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _work = Directory.CreateTempSubdirectory("safemail-backup-").FullName;
        TestDatabase.PinSqlite(_work); // the data, restored and target directories alike
        _data = Path.Combine(_work, "data");
        Directory.CreateDirectory(_data);
        _gateway = await GatewayProcess.StartAsync(_data, GatewaySettings.For(_data, "backup-node", GatewaySettings.ClosedPort()));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task A_backup_taken_under_load_restores_the_quarantine_and_the_queue_byte_for_byte()
    {
        var quarantined = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            quarantined.Add(await SendAsync(_gateway, "quote-plain-pdf.eml"));
        }

        var queued = new List<string> { await SendAsync(_gateway, "quote-aes-zip.eml"), await SendAsync(_gateway, "quote-aes-zip.eml") };

        // Mail keeps arriving while the backup is taken: the backup is of one moment, and consistent.
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            var sent = 0;
            while (!stop.IsCancellationRequested)
            {
                await SendAsync(_gateway, sent++ % 2 == 0 ? "quote-plain-pdf.eml" : "quote-aes-zip.eml");
            }

            return sent;
        });
        var backupDir = Path.Combine(_work, "backup");
        var backup = await Safemail(_data, "backup", backupDir);
        await stop.CancelAsync();
        (await load).Should().BePositive("mail was being accepted during the backup");
        backup.ExitCode.Should().Be(0, backup.Error);
        backup.Out.Should().MatchRegex(@"backed up to .*\(\d+ quarantined, \d+ queued, \d+ files");

        var restored = Path.Combine(_work, "restored");
        var restore = await Safemail(restored, "restore", backupDir);
        restore.ExitCode.Should().Be(0, restore.Error);
        restore.Out.Should().Contain("restored into " + restored);

        var before = await LiveMessagesAsync(_data);
        var after = await LiveMessagesAsync(restored);
        after.Keys.Should().Contain(quarantined).And.Contain(queued);
        foreach (var (id, (state, bytes)) in after)
        {
            bytes.Should().NotBeNull($"{id} ({state}) has its bytes in the restored directory");
            // the source still has every message the backup saw (nothing can be delivered: the smarthost is down)
            before[id].Bytes.Should().Equal(bytes, $"{id} is restored byte for byte");
        }

        var list = await Safemail(restored, "quarantine", "list", "--json");
        using (var listed = JsonDocument.Parse(list.Out))
        {
            listed.RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should()
                .BeEquivalentTo(after.Where(a => a.Value.State == "quarantined").Select(a => a.Key));
        }

        // A gateway on the restored directory (delivering into its pickup folder) sends the queue and a released message.
        await _gateway.DisposeAsync();
        await using var second = await GatewayProcess.StartAsync(restored, GatewaySettings.For(restored, "backup-node", null));
        var release = await Safemail(restored, "quarantine", "release", quarantined[0]);
        release.ExitCode.Should().Be(0, release.Error);
        var pickup = Path.Combine(restored, "pickup");
        var expected = after.Count(a => a.Value.State == "queued") + 1;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (!Directory.Exists(pickup) || Directory.GetFiles(pickup, "*.envelope.json").Length < expected))
        {
            await Task.Delay(100);
        }

        Directory.GetFiles(pickup, "*.eml").Select(Path.GetFileNameWithoutExtension).Should()
            .BeEquivalentTo(after.Where(a => a.Value.State == "queued").Select(a => a.Key).Append(quarantined[0]));
        var delivered = await File.ReadAllBytesAsync(Path.Combine(pickup, quarantined[0] + ".eml"));
        EndsWith(delivered, before[quarantined[0]].Bytes!).Should().BeTrue("the released message keeps its original bytes after the added headers");
    }

    [Test]
    public async Task A_damaged_backup_or_a_directory_with_data_is_refused_and_nothing_is_written()
    {
        var id = await SendAsync(_gateway, "quote-plain-pdf.eml");
        var backupDir = Path.Combine(_work, "backup");
        (await Safemail(_data, "backup", backupDir)).ExitCode.Should().Be(0);

        var intoLive = await Safemail(_data, "restore", backupDir);
        intoLive.ExitCode.Should().Be(73);
        intoLive.Error.Should().StartWith("safemail: the data directory already holds data");

        var notEmpty = await Safemail(_data, "backup", backupDir);
        notEmpty.ExitCode.Should().Be(73);
        notEmpty.Error.Should().Contain("must be new or empty");

        var eml = Directory.GetFiles(Path.Combine(backupDir, "quarantine"), id + ".eml", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(eml);
        bytes[^10] ^= 0x20;
        await File.WriteAllBytesAsync(eml, bytes);
        var target = Path.Combine(_work, "target");
        var damaged = await Safemail(target, "restore", backupDir);
        damaged.ExitCode.Should().Be(65);
        damaged.Error.Should().Contain("the backup is damaged").And.Contain(Path.GetFileName(eml));
        (Directory.Exists(target) ? Directory.GetFileSystemEntries(target) : []).Should().BeEmpty();
    }

    private static Task<SafemailProcess.Result> Safemail(string data, params string[] args) =>
        SafemailProcess.RunInAsync("en", new Dictionary<string, string> { ["SafeMail__Gateway__DataDirectory"] = data }, args);

    private static async Task<string> SendAsync(GatewayProcess gateway, string sample)
    {
        var message = await MimeMessage.LoadAsync(Path.Combine(SafemailProcess.RepositoryRoot, "docs", "samples", sample));
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        using var client = new SmtpClient { LocalDomain = "client.test" };
        await client.ConnectAsync("127.0.0.1", gateway.Smtp.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return reply[(reply.LastIndexOf(' ') + 1)..];
    }

    /// <summary>Every queued or quarantined message of a data directory with its bytes, read as the store records them.</summary>
    private static async Task<Dictionary<string, (string State, byte[]? Bytes)>> LiveMessagesAsync(string data)
    {
        var result = new Dictionary<string, (string, byte[]?)>();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "safemail.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, state, segment, segment_offset, size, file_path FROM messages WHERE state IN ('queued', 'quarantined')";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            byte[]? bytes = null;
            if (!reader.IsDBNull(5) && File.Exists(Path.Combine(data, reader.GetString(5))))
            {
                bytes = await File.ReadAllBytesAsync(Path.Combine(data, reader.GetString(5)));
            }
            else if (!reader.IsDBNull(2) && File.Exists(Path.Combine(data, "spool", reader.GetString(2))))
            {
                await using var segment = File.OpenRead(Path.Combine(data, "spool", reader.GetString(2)));
                segment.Position = reader.GetInt64(3);
                bytes = new byte[reader.GetInt64(4)];
                await segment.ReadExactlyAsync(bytes);
            }

            result[reader.GetString(0)] = (reader.GetString(1), bytes);
        }

        return result;
    }

    private static bool EndsWith(byte[] all, byte[] tail) => all.Length >= tail.Length && all.AsSpan(all.Length - tail.Length).SequenceEqual(tail);
}
