using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Storage.Passwords;
using Miraie.SafeMail.Storage.Policy;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// <c>safemail db migrate-to-postgres</c> on a real single-node deployment: a SQLite gateway process quarantines, queues
/// (upstream down) and rejects mail, an archive password, a console user and policy versions are stored; it is stopped,
/// moved, and a gateway on PostgreSQL shows the quarantined message with the same bytes, releases and delivers it,
/// delivers the queue, decrypts the archive password and signs the user in; audit and policy history are the same rows.
/// And what it refuses, leaving the target as it was: a source a gateway still runs on, a target that already holds
/// data, a message whose bytes are cut short or missing. Runs against PostgreSQL only (tests/run-all.sh runs the category there).
/// </summary>
[Category("PostgreSql")]
[NonParallelizable]
public class MigrateToPostgresTests
{
    private const string Password = "Adm1n-Passw0rd-x";
    private SqliteDeployment _deployment = null!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(TestDatabase.IsPostgreSql, "the move into PostgreSQL needs a PostgreSQL server: run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");
        _deployment = new SqliteDeployment();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }

    [Test]
    public async Task A_single_node_moved_into_PostgreSQL_keeps_every_record_and_a_PostgreSQL_node_serves_it()
    {
        var d = _deployment;
        var archive = Guid.NewGuid().ToString("N");
        await using (var services = d.SourceServices())
        {
            var database = services.GetRequiredService<SafeMailDatabase>();
            await database.MigrateAsync();
            await using var connection = await database.OpenAsync();
            var policy = PolicyDefaults.Create("example.co.jp");
            await PolicyVersions.SaveAsync(connection, PolicyJson.Serialize(policy), "web:yamada", "初期ポリシー", DateTimeOffset.UtcNow);
            policy.Rules.Single(r => r.Name == "too-large").When.MessageLargerThanBytes = 40_000;
            await PolicyVersions.SaveAsync(connection, PolicyJson.Serialize(policy), "web:yamada", "40 KB を超えるメールは拒否", DateTimeOffset.UtcNow);
            await services.GetRequiredService<ArchivePasswords>().SaveAsync(
                new NewArchive(archive, "tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書.zip", "aes256", "Zq8-passw0rd-見積", new string('a', 64)),
                DateTimeOffset.UtcNow, CancellationToken.None);
            // An incident and its work log (ADR-020): the log refers to the incident, so the incident must be copied first.
            var incident = await IncidentTable.InsertAsync(connection, null, new IncidentRecord
            {
                MessageHint = "移行前の報告", Reporter = "web:yamada", ReportedAt = DateTimeOffset.UtcNow, WrongRecipients = ["x@customer.example.com"],
            });
            await IncidentTable.AppendLogAsync(connection, null, new IncidentLogEntry(incident, DateTimeOffset.UtcNow, "web:yamada", "取引先に削除を依頼"));
        }

        (await d.OnSourceAsync(Password, "users", "add", "yamada", "--role", "admin")).ExitCode.Should().Be(0);
        await d.StartAsync(upstreamDown: true);
        var quarantined = await d.SendSampleAsync("quote-plain-pdf.eml");
        var queued = await d.SendSampleAsync("quote-aes-zip.eml");
        var rejected = async () => await d.SendAsync(LargeInternalMail());
        (await rejected.Should().ThrowAsync<SmtpCommandException>()).Which.StatusCode.Should().Be(SmtpStatusCode.TransactionFailed, "the saved policy rejects it");
        await d.StopAsync();

        using var source = SafeMailDatabase.For(d.Source);
        const string Messages = "SELECT id, state, rule, envelope_from, size FROM messages ORDER BY id";
        const string Audit = "SELECT id, at, actor, action, message_id, detail FROM audit ORDER BY id";
        const string Policies = "SELECT id, at, author, comment, policy FROM policy_versions ORDER BY id";
        const string Users = "SELECT name, password_hash, role, security_stamp FROM console_users ORDER BY name";
        var messagesBefore = await SqliteDeployment.RowsAsync(source, Messages);
        var auditBefore = await SqliteDeployment.RowsAsync(source, Audit);
        messagesBefore.Should().HaveCount(3).And.Contain(m => m.Contains("|rejected|too-large|", StringComparison.Ordinal));
        auditBefore.Should().Contain(a => a.Contains("|quarantine|" + quarantined, StringComparison.Ordinal));
        (await SqliteDeployment.RowsAsync(source, "SELECT node_id FROM node_status")).Should().Equal("single-node");
        byte[] quarantinedBytes, queuedBytes;
        await using (var services = d.SourceServices())
        {
            quarantinedBytes = await SqliteDeployment.BytesAsync(services, quarantined);
            queuedBytes = await SqliteDeployment.BytesAsync(services, queued);
        }

        var moved = await d.MigrateAsync();
        moved.ExitCode.Should().Be(0, moved.Error);
        moved.Out.Should().Contain($"moved {d.Source} into PostgreSQL").And.Contain("verified before the commit");
        moved.Out.Should().MatchRegex(@"\n  messages +3\n").And.MatchRegex(@"\n  policy_versions +2\n").And.MatchRegex(@"\n  console_users +1\n");
        moved.Out.Should().Contain("message bytes: 2 messages").And.Contain("data-protection keys: 1");
        moved.Out.Should().Contain("not moved: node_status (each node writes its own status)").And.NotMatchRegex(@"\n  node_status +\d");

        using var target = TestDatabase.Open(d.Node);
        (await SqliteDeployment.RowsAsync(target, Messages)).Should().Equal(messagesBefore);
        (await SqliteDeployment.RowsAsync(target, Audit)).Should().Equal(auditBefore, "the audit log keeps its ids and entries");
        (await SqliteDeployment.RowsAsync(target, Policies)).Should().Equal(await SqliteDeployment.RowsAsync(source, Policies));
        (await SqliteDeployment.RowsAsync(target, Users)).Should().Equal(await SqliteDeployment.RowsAsync(source, Users));
        const string Incidents = "SELECT id, message_hint, reporter, wrong_recipients, state FROM incidents ORDER BY id";
        const string IncidentLog = "SELECT id, incident_id, author, text FROM incidents_log ORDER BY id";
        (await SqliteDeployment.RowsAsync(target, Incidents)).Should().Equal(await SqliteDeployment.RowsAsync(source, Incidents)).And.HaveCount(1);
        (await SqliteDeployment.RowsAsync(target, IncidentLog)).Should().Equal(await SqliteDeployment.RowsAsync(source, IncidentLog)).And.HaveCount(1);
        (await SqliteDeployment.RowsAsync(target, "SELECT id FROM messages WHERE segment IS NOT NULL OR file_path IS NOT NULL")).Should()
            .BeEmpty("no record points at the old node's disk");
        (await SqliteDeployment.RowsAsync(target, "SELECT node_id FROM node_status")).Should()
            .BeEmpty("the stopped node's status would show in health as a node that stopped reporting");

        await using (var services = d.NodeServices())
        {
            (await SqliteDeployment.BytesAsync(services, quarantined)).Should().Equal(quarantinedBytes, "the quarantined message is shown with its bytes");
            (await services.GetRequiredService<ArchivePasswords>().GetAsync(archive, CancellationToken.None))!.Password
                .Should().Be("Zq8-passw0rd-見積", "the key ring came along: the password still decrypts");
            await using var connection = await target.OpenAsync();
            (await ConsoleUsers.SignInAsync(connection, "yamada", Password, DateTimeOffset.UtcNow)).Outcome.Should().Be(SignInOutcome.Success);
        }

        await using var node = await d.StartNodeAsync();
        (await SqliteDeployment.PickedUpAsync(d.Node, 1)).Should().Equal([queued], "the queue is delivered once the upstream is up");
        SqliteDeployment.EndsWith(await File.ReadAllBytesAsync(Path.Combine(d.Node, "pickup", queued + ".eml")), queuedBytes).Should().BeTrue();

        var release = await d.OnNodeAsync(null, "quarantine", "release", quarantined, "--by", "yamada");
        release.ExitCode.Should().Be(0, release.Error);
        (await SqliteDeployment.PickedUpAsync(d.Node, 2)).Should().BeEquivalentTo([queued, quarantined]);
        SqliteDeployment.EndsWith(await File.ReadAllBytesAsync(Path.Combine(d.Node, "pickup", quarantined + ".eml")), quarantinedBytes)
            .Should().BeTrue("the released message keeps its original bytes after the added headers");

        // New rows get new ids: the identity counters were moved past the copied ones.
        var auditAfter = await SqliteDeployment.RowsAsync(target, Audit);
        auditAfter.Take(auditBefore.Count).Should().Equal(auditBefore);
        auditAfter.Skip(auditBefore.Count).Should().Contain(a => a.Contains("|cli:yamada|release|" + quarantined, StringComparison.Ordinal));
        await using (var connection = await target.OpenAsync())
        {
            (await PolicyVersions.SaveAsync(connection, "{}", "web:yamada", null, DateTimeOffset.UtcNow)).Should().Be(3);
            (await IncidentTable.InsertAsync(connection, null, new IncidentRecord { Reporter = "web:yamada", ReportedAt = DateTimeOffset.UtcNow }))
                .Should().Be(2, "the incidents' identity counter was moved too");
        }
    }

    [Test]
    public async Task A_source_a_gateway_runs_on_is_refused_without_touching_the_target()
    {
        var d = _deployment;
        await d.StartAsync();
        await d.SendSampleAsync("quote-plain-pdf.eml");

        var refused = await d.MigrateAsync();
        refused.ExitCode.Should().Be(75, refused.Error);
        refused.Error.Should().StartWith($"safemail: {d.Source} is in use by a running gateway or console (pid ")
            .And.Contain("stop it, then run this again. Nothing was written to PostgreSQL");
        var japanese = await d.MigrateAsync("ja");
        japanese.ExitCode.Should().Be(75);
        japanese.Error.Should().Contain("稼働中のゲートウェイまたはコンソール").And.Contain("停止してから、もう一度実行してください");
        (await d.TargetContentAsync()).Should().Be((0, 0L), "the target was not even given its schema");

        await d.StopAsync();
        var moved = await d.MigrateAsync();
        moved.ExitCode.Should().Be(0, moved.Error);
    }

    [Test]
    public async Task A_target_that_already_holds_data_is_refused_and_nothing_is_merged_into_it()
    {
        var d = _deployment;
        await d.StartAsync();
        await d.SendSampleAsync("quote-plain-pdf.eml");
        await d.StopAsync();
        (await d.OnNodeAsync("Adm1n-Passw0rd-x", "users", "add", "sato", "--role", "admin")).ExitCode.Should().Be(0, "an admin made on the new database first");

        var refused = await d.MigrateAsync();
        refused.ExitCode.Should().Be(73, refused.Error);
        refused.Error.Should().Contain("the target database already holds data (audit 1, console_users 1)").And.Contain("create a new, empty database");
        (await d.TargetContentAsync()).Rows.Should().Be(2, "the target keeps its own rows (the user and its audit entry) and gets none of the source's");

        using (var target = TestDatabase.Open(d.Node))
        await using (var connection = await target.OpenAsync())
        {
            await SqliteDeployment.ScalarAsync(connection, "DELETE FROM console_users; DELETE FROM audit");
        }

        (await d.MigrateAsync()).ExitCode.Should().Be(0);
        var twice = await d.MigrateAsync("ja");
        twice.ExitCode.Should().Be(73, "a second run is refused, not doubled");
        twice.Error.Should().Contain("移行先のデータベースには既にデータがあります").And.Contain("messages 1");
    }

    [Test]
    public async Task A_message_whose_bytes_are_cut_or_missing_stops_the_move_by_its_id_and_the_target_stays_empty()
    {
        var d = _deployment;
        await d.StartAsync(upstreamDown: true);
        var quarantined = await d.SendSampleAsync("quote-plain-pdf.eml");
        var first = await d.SendSampleAsync("quote-aes-zip.eml");
        var last = await d.SendSampleAsync("quote-aes-zip.eml");
        await d.StopAsync();

        string segment, file;
        using (var source = SafeMailDatabase.For(d.Source))
        {
            segment = Path.Combine(d.Source, "spool", (await SqliteDeployment.RowsAsync(source, $"SELECT segment FROM messages WHERE id = '{last}'")).Single());
            file = Path.Combine(d.Source, (await SqliteDeployment.RowsAsync(source, $"SELECT file_path FROM messages WHERE id = '{quarantined}'")).Single());
        }

        // The end of the segment lost (a disk that filled up, a copy cut short): the last message there is short.
        var whole = await File.ReadAllBytesAsync(segment);
        await File.WriteAllBytesAsync(segment, whole[..^10]);
        var cut = await d.MigrateAsync();
        cut.ExitCode.Should().Be(65, cut.Error);
        cut.Error.Should().Contain($"cannot move message {last}: the spool segment").And.Contain("is shorter than its record says; nothing was committed")
            .And.NotContain(first);
        (await d.TargetContentAsync()).Should().Match<(int Tables, long Rows)>(t => t.Tables > 0 && t.Rows == 0, "the schema is there, no row is");

        // The quarantined message's file gone.
        await File.WriteAllBytesAsync(segment, whole);
        File.Move(file, file + ".moved");
        var missing = await d.MigrateAsync("ja");
        missing.ExitCode.Should().Be(65, missing.Error);
        missing.Error.Should().Contain($"メール {quarantined} を移行できません: 本文のファイルがありません").And.Contain("何もコミットしていません");
        (await d.TargetContentAsync()).Rows.Should().Be(0);

        File.Move(file + ".moved", file);
        var moved = await d.MigrateAsync();
        moved.ExitCode.Should().Be(0, moved.Error);
        moved.Out.Should().Contain("message bytes: 3 messages");
    }
    /// <summary>Internal mail over the 40 KB the saved policy allows: rejected (5xx), kept as a record only.</summary>
    private static MimeMessage LargeInternalMail()
    {
        var message = new MimeMessage { Subject = "社内資料（大容量）", MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId() };
        message.From.Add(new MailboxAddress("田中 太郎", "tanaka@example.co.jp"));
        message.To.Add(MailboxAddress.Parse("suzuki@example.co.jp"));
        var body = new BodyBuilder { TextBody = "資料を添付します。" };
        body.Attachments.Add("data.txt", System.Text.Encoding.ASCII.GetBytes(new string('x', 60_000)));
        message.Body = body.ToMessageBody();
        return message;
    }
}
