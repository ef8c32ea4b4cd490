using System.Data.Common;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>
/// Statements sent together (one round trip on PostgreSQL, one after another on SQLite) behave as if run one by one in
/// the transaction: in order, each seeing what the ones before it changed, the first failure failing the call.
/// </summary>
public class SqlBatchTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp() => _data = Directory.CreateTempSubdirectory("safemail-batch-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    [Test]
    public async Task Statements_run_in_order_each_seeing_the_ones_before_and_say_how_many_rows_each_changed()
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var batch = new SqlBatch(connection, transaction);
        batch.Add("INSERT INTO sign_in_counts (key, account, failures, last_at) VALUES (@n, @x, 1, @at)").Add("@n", "a").Add("@at", 1L).Add("@x", "tanaka");
        batch.Add("INSERT INTO sign_in_counts (key, account, failures, last_at) VALUES (@n, @x, 1, @at)").Add("@n", "b").Add("@at", 2L).Add("@x", (string?)null);
        batch.Add("UPDATE sign_in_counts SET last_at = last_at + 10 WHERE key IN (@a, @b)").Add("@a", "a").Add("@b", "b");
        batch.Add("DELETE FROM sign_in_counts WHERE last_at > @t").Add("@t", 11L);
        batch.Add("UPDATE sign_in_counts SET account = @x WHERE key = @n").Add("@x", "nobody").Add("@n", "nobody");

        (await batch.ExecuteAsync()).Should().Equal(1, 1, 2, 1, 0);
        await transaction.CommitAsync();
        (await NamesAsync(connection)).Should().Equal("a");
    }

    [Test]
    public async Task A_failing_statement_fails_the_call_and_the_transaction_keeps_nothing_of_the_batch()
    {
        using var database = TestDatabase.Open(_data);
        await database.MigrateAsync();
        await using var connection = await database.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var batch = new SqlBatch(connection, transaction);
            batch.Add("INSERT INTO sign_in_counts (key, account, failures, last_at) VALUES (@n, @x, 1, @at)").Add("@n", "a").Add("@at", 1L).Add("@x", "tanaka");
            batch.Add("INSERT INTO sign_in_counts (key, account, failures, last_at) VALUES (@n, @x, 1, @at)").Add("@n", "a").Add("@at", 2L).Add("@x", "tanaka");
            batch.Add("INSERT INTO sign_in_counts (key, account, failures, last_at) VALUES (@n, @x, 1, @at)").Add("@n", "c").Add("@at", 3L).Add("@x", "suzuki");

            await FluentActions.Awaiting(() => batch.ExecuteAsync()).Should().ThrowAsync<DbException>("the second statement breaks the primary key");
            await transaction.RollbackAsync();
        }

        (await NamesAsync(connection)).Should().BeEmpty();
        (await new SqlBatch(connection, null).ExecuteAsync()).Should().BeEmpty("an empty batch sends nothing");
    }

    private static async Task<List<string>> NamesAsync(DbConnection connection)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT key FROM sign_in_counts ORDER BY key";
        await using var reader = await select.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
