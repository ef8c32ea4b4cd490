using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Npgsql;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>
/// The hot statements with Npgsql's automatic preparation, which the gateway turns on unless the connection string says
/// otherwise: each execution must send its own values (a command kept and refilled for the next message sent the first
/// message's values again, once prepared — a duplicate key at best, the wrong message's state at worst).
/// </summary>
[Category("PostgreSql")]
public class PostgreSqlStatementTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(TestDatabase.IsPostgreSql, "run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");
        _data = Directory.CreateTempSubdirectory("safemail-prepare-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    [Test]
    public async Task Prepared_statements_run_for_message_after_message_on_one_connection_each_with_its_own_values()
    {
        var settings = TestDatabase.Environment(_data);
        var connection = new NpgsqlConnectionStringBuilder(settings["SafeMail__Gateway__ConnectionString"])
        {
            Password = settings["SafeMail__Gateway__DatabasePassword"],
            MaxAutoPrepare = 8,
            AutoPrepareMinUsages = 2,
        };
        using var database = new SafeMailDatabase(connection.ConnectionString, DatabaseProvider.PostgreSql);
        await database.MigrateAsync();
        var ids = Enumerable.Range(0, 6).Select(i => $"P{i:D15}").ToList();

        await using (var open = await database.OpenAsync())
        {
            foreach (var id in ids)
            {
                await using var transaction = await open.BeginTransactionAsync();
                await MessageTable.InsertAsync(open, transaction, Queued(id), "node-a", DateTimeOffset.UtcNow.AddMinutes(5));
                await transaction.CommitAsync();
            }

            foreach (var id in ids)
            {
                await MessageTable.SetRecipientAsync(open, null, id, $"buyer@{id}.example.com", RecipientState.Delivered, "250 ok", DateTimeOffset.UtcNow);
                (await MessageTable.UpdateStateAsync(open, null, id, MessageState.Queued, MessageState.Delivered, 1, null, null, DateTimeOffset.UtcNow))
                    .Should().BeTrue($"{id} is queued until this update, which must be its own");
            }
        }

        await using var check = await database.OpenAsync();
        foreach (var id in ids)
        {
            var stored = await MessageTable.GetAsync(check, id);
            stored.Should().NotBeNull();
            stored!.State.Should().Be(MessageState.Delivered);
            stored.Subject.Should().Be("subject " + id);
            stored.Recipients.Should().ContainSingle().Which.Should().Be(new RecipientRecord($"buyer@{id}.example.com", true, RecipientState.Delivered, "250 ok"));
        }
    }

    private static MessageRecord Queued(string id) => new()
    {
        Id = id,
        ReceivedAt = DateTimeOffset.UtcNow,
        NodeId = "node-a",
        EnvelopeFrom = "tanaka@example.co.jp",
        Subject = "subject " + id,
        Size = 100,
        State = MessageState.Queued,
        Verdict = "pass",
        Rule = "internal",
        Confirmation = "absent",
        External = true,
        FindingsJson = "[]",
        Origin = MessageOrigin.Smtp,
        NextAttemptAt = DateTimeOffset.UtcNow,
        Recipients = [new RecipientRecord($"buyer@{id}.example.com", true, RecipientState.Pending, null)],
    };
}
