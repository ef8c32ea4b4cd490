using System.Security.Cryptography;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;
using Npgsql;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>
/// The space of delivered mail's bytes is used again by the next messages (PostgreSQL): the gateway vacuums the bytes
/// tables itself once enough rows are dead, instead of the table growing by every message until autovacuum comes.
/// </summary>
[Category("PostgreSql")]
public class BytesVacuumTests
{
    private const int MessageBytes = 100 * 1024;

    private string _data = null!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(TestDatabase.IsPostgreSql, "run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");
        _data = Directory.CreateTempSubdirectory("safemail-vacuum-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    [Test]
    public async Task Bytes_deleted_past_the_threshold_are_vacuumed_and_their_space_holds_the_next_messages()
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        await using var connection = (NpgsqlConnection)await database.OpenAsync();
        await WithoutAutovacuumAsync(connection);

        await InsertAsync(connection, "a", 100);
        var grown = await ToastSizeAsync(connection);
        await ExecuteAsync(connection, "DELETE FROM message_bytes");

        // PostgreSQL's statistics reach the shared counts within about a second of the deleting transaction.
        var due = await WaitForAsync(() => BytesVacuum.DueAsync(connection, 1000), d => d.Any(t => t.Table == "message_bytes"));
        due.Should().ContainSingle(t => t.Table == "message_bytes").Which.DeadRows.Should().BeGreaterThanOrEqualTo(100 * (MessageBytes / 2000),
            "each 100 KB value was ~50 TOAST chunks, all dead now");
        (await BytesVacuum.DueAsync(connection, long.MaxValue)).Should().BeEmpty("nothing is due under a threshold no table reaches");

        // Rows stay until no transaction (another test's, in this database) may still see them: vacuum again until none is left.
        var left = await WaitForAsync(async () =>
        {
            await BytesVacuum.VacuumAsync(connection, "message_bytes");
            return await BytesVacuum.DueAsync(connection, 100);
        }, d => d.Count == 0);
        left.Should().BeEmpty("the vacuum removed the dead rows");
        (await VacuumCountAsync(connection)).Should().BeGreaterThan(0, "the vacuum ran (autovacuum is counted apart)");

        await InsertAsync(connection, "b", 100);
        (await ToastSizeAsync(connection)).Should().BeLessThanOrEqualTo(grown + grown / 10,
            "the next 100 messages go into the space the deleted ones left, not onto the end of the table");
    }

    [Test]
    public async Task Only_the_bytes_tables_can_be_vacuumed_by_name_and_no_vacuum_shrinks_their_files()
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        await using var connection = (NpgsqlConnection)await database.OpenAsync();
        foreach (var table in BytesVacuum.Tables)
        {
            (await ScalarAsync(connection, $"""
                SELECT count(*) FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = to_regclass('{table}')
                  AND 'vacuum_truncate=false' = ANY (c.reloptions) AND 'vacuum_truncate=false' = ANY (t.reloptions)
                """)).Should().Be(1, $"{table} and its TOAST table keep their pages for the next mail, whoever vacuums them");
        }

        await FluentActions.Awaiting(() => BytesVacuum.VacuumAsync(connection, "messages; DROP TABLE audit")).Should().ThrowAsync<ArgumentException>();
    }

    [Test]
    public async Task The_gateway_vacuums_the_bytes_of_delivered_mail_by_itself()
    {
        await using var gateway = await TestGateway.StartAsync(dataDirectory: _data);
        await using (var setup = (NpgsqlConnection)await gateway.Get<SafeMailDatabase>().OpenAsync())
        {
            await WithoutAutovacuumAsync(setup);
        }

        var attachment = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(60 * 1024)));
        const int count = 64; // ~165 kB each as sent: ~80 TOAST chunks each, over BytesVacuum.DeadRowsThreshold together
        for (var i = 0; i < count; i++)
        {
            await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], $"資料 {i}", attachment, "資料.txt"),
                "tanaka@example.co.jp", "suzuki@example.co.jp");
        }

        (await gateway.WaitForPickupAsync(count)).Should().HaveCount(count);
        await using var connection = (NpgsqlConnection)await gateway.Get<SafeMailDatabase>().OpenAsync();
        var vacuums = await WaitForAsync(() => VacuumCountAsync(connection), n => n > 0, TimeSpan.FromSeconds(30));
        vacuums.Should().BeGreaterThan(0, "the node vacuumed message_bytes once its dead rows passed the threshold, without waiting for autovacuum");
        gateway.Logs.Entries.Should().NotContain(e => e.Text.Contains("vacuum", StringComparison.Ordinal));
    }

    /// <summary>Autovacuum off for this test's table: a visit of its own would clear the dead-row count the test waits for.</summary>
    private static Task WithoutAutovacuumAsync(NpgsqlConnection connection) =>
        ExecuteAsync(connection, "ALTER TABLE message_bytes SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)");

    private static async Task InsertAsync(NpgsqlConnection connection, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var content = MessageContent.FromBytes(RandomNumberGenerator.GetBytes(MessageBytes));
            await MessageStore.InsertAsync(connection, null, $"{prefix}{i:D6}", content, DateTimeOffset.UtcNow);
        }
    }

    private static async Task<long> ToastSizeAsync(NpgsqlConnection connection) =>
        await ScalarAsync(connection, "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = to_regclass('message_bytes')");

    /// <summary>Vacuums of message_bytes' TOAST table not run by autovacuum.</summary>
    private static async Task<long> VacuumCountAsync(NpgsqlConnection connection) =>
        await ScalarAsync(connection, "SELECT pg_stat_get_vacuum_count(reltoastrelid) FROM pg_class WHERE oid = to_regclass('message_bytes')");

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
