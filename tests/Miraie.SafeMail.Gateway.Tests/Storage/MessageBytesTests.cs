using Microsoft.Extensions.Logging.Abstractions;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>
/// Message bytes in PostgreSQL: the node that just queued a message delivers it from the copy it still holds (no read
/// back from the database); the database row stays the copy every other read uses; it goes in the transaction that
/// finishes the message, not a sweep later.
/// </summary>
[Category("PostgreSql")]
public class MessageBytesTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(TestDatabase.IsPostgreSql, "run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");
        _data = Directory.CreateTempSubdirectory("safemail-bytes-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    [Test]
    public async Task The_node_that_queued_a_message_opens_it_once_from_its_own_copy_without_reading_the_database()
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        var spool = new SpoolStore(_data);
        var recent = new RecentBytes();
        var store = new MessageStore(database, spool, recent);
        var content = "From: tanaka@example.co.jp\r\nSubject: test\r\n\r\n"u8.ToArray().Concat(Enumerable.Repeat((byte)'x', 50_000)).ToArray();
        var record = new MessageRecord
        {
            Id = "R000000000000001", ReceivedAt = DateTimeOffset.UtcNow, NodeId = "node-a", EnvelopeFrom = "tanaka@example.co.jp",
            Size = content.Length, External = false, State = MessageState.Queued, Verdict = "pass", Rule = "internal", Confirmation = "absent",
            FindingsJson = "[]", Origin = MessageOrigin.Smtp, NextAttemptAt = DateTimeOffset.UtcNow,
            Recipients = [new RecipientRecord("suzuki@example.co.jp", false, RecipientState.Pending, null)],
        };

        await using (var writer = new StoreWriter(database, spool, NullLogger<StoreWriter>.Instance, recent: recent))
        using (var received = MessageContent.FromBytes(content))
        {
            await writer.RunAsync<bool>(async (connection, transaction, _) =>
            {
                await MessageTable.InsertAsync(connection, transaction, record, "node-a", DateTimeOffset.UtcNow.AddMinutes(5));
                return true;
            }, new SpooledBytes(record.Id, received));
        }

        recent.Held.Should().Be(content.Length, "the commit keeps a copy for the delivery");

        // The row goes: what the first open returns can only come from the node's own copy.
        await using (var connection = await database.OpenAsync())
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM message_bytes WHERE message_id = 'R000000000000001'";
            (await delete.ExecuteNonQueryAsync()).Should().Be(1, "the commit stored the bytes in the database too");
        }

        await using (var first = await store.OpenAsync(record))
        using (var copy = new MemoryStream())
        {
            await first.CopyToAsync(copy);
            copy.ToArray().Should().Equal(content);
        }

        recent.Held.Should().Be(0, "the copy is let go once opened");
        await FluentActions.Awaiting(() => store.OpenAsync(record)).Should().ThrowAsync<InvalidDataException>("a later attempt reads the database");
    }

    [Test]
    public async Task A_delivered_message_has_its_bytes_row_deleted_with_its_state_change_not_by_a_later_sweep()
    {
        await using var gateway = await TestGateway.StartAsync(dataDirectory: _data);
        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内連絡", TestMessages.Pdf),
            "tanaka@example.co.jp", "suzuki@example.co.jp");
        var id = Mailer.QueueIdOf(reply);
        await gateway.WaitForPickupAsync(1);

        // The sweep ran when the gateway started and runs again only after a minute: a row gone now went with the delivery.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        MessageRecord? record;
        while ((record = await gateway.RecordAsync(id))!.State != MessageState.Delivered && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        record.State.Should().Be(MessageState.Delivered);
        (await gateway.HasStoredBytesAsync(record)).Should().BeFalse("the delivery's transaction deletes the bytes row of a finished message");
    }

    [TestCase(MessageState.Delivered, false)]
    [TestCase(MessageState.Failed, false)]
    [TestCase(MessageState.Queued, true)]
    [TestCase(MessageState.Quarantined, true)]
    [TestCase(MessageState.Held, true)]
    public async Task The_bytes_row_goes_with_the_state_change_only_when_the_message_waits_for_nothing_any_more(string state, bool kept)
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        var store = new MessageStore(database, new SpoolStore(_data));
        var record = new MessageRecord
        {
            Id = "R000000000000002", ReceivedAt = DateTimeOffset.UtcNow, NodeId = "node-a", EnvelopeFrom = "tanaka@example.co.jp",
            Size = 5, External = true, State = MessageState.Queued, Verdict = "pass", Rule = "r", Confirmation = "absent",
            FindingsJson = "[]", Origin = MessageOrigin.Smtp, NextAttemptAt = DateTimeOffset.UtcNow,
            Recipients = [new RecipientRecord("buyer@customer.example.com", true, RecipientState.Pending, null)],
        };

        await using var connection = await database.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        using (var content = MessageContent.FromBytes("hello"u8.ToArray()))
        {
            await MessageStore.InsertAsync(connection, transaction, record.Id, content, DateTimeOffset.UtcNow);
            await MessageTable.InsertAsync(connection, transaction, record);
            await transaction.CommitAsync();
        }

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var batch = new SqlBatch(connection, transaction);
            MessageTable.UpdateState(batch, record.Id, MessageState.Queued, state, 1, null, null, DateTimeOffset.UtcNow);
            store.ForgetIfFinished(batch, record.Id);
            var changed = await batch.ExecuteAsync();
            changed.Should().Equal(1, kept ? 0 : 1);
            await transaction.CommitAsync();
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM message_bytes";
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(kept ? 1 : 0);
    }

    [TestCase(139_287)]
    [TestCase(PooledBytes.MaxLength)]
    [TestCase(PooledBytes.MaxLength + 1)]
    public async Task Bytes_stored_from_a_pooled_copy_or_as_a_stream_read_back_exactly(int size)
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        var store = new MessageStore(database, new SpoolStore(_data));
        var content = Enumerable.Range(0, size).Select(i => (byte)(i * 31 + (i >> 13))).ToArray();
        var record = new MessageRecord
        {
            Id = "R000000000000003", ReceivedAt = DateTimeOffset.UtcNow, NodeId = "node-a", EnvelopeFrom = "tanaka@example.co.jp",
            Size = size, External = false, State = MessageState.Queued, Verdict = "pass", Rule = "internal", Confirmation = "absent",
            FindingsJson = "[]", Origin = MessageOrigin.Smtp, NextAttemptAt = DateTimeOffset.UtcNow,
            Recipients = [new RecipientRecord("suzuki@example.co.jp", false, RecipientState.Pending, null)],
        };

        // Two in one group commit: their bytes rows go in one round trip, each from its own pooled array or stream.
        await using (var writer = new StoreWriter(database, new SpoolStore(_data), NullLogger<StoreWriter>.Instance))
        using (var received = MessageContent.FromBytes(content))
        using (var other = MessageContent.FromBytes("other"u8))
        {
            await Task.WhenAll(
                writer.RunAsync<bool>(async (connection, transaction, _) =>
                {
                    await MessageTable.InsertAsync(connection, transaction, record);
                    return true;
                }, new SpooledBytes(record.Id, received)),
                writer.RunAsync<bool>((_, _, _) => Task.FromResult(true), new SpooledBytes("R000000000000004", other)));
        }

        await using var read = await store.OpenAsync(record);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        copy.ToArray().Should().Equal(content);
    }
}
