using System.Data.Common;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>
/// The group commit: items that share a batch share its transaction, and one that fails fails alone — with PostgreSQL the
/// batch first runs without savepoints and, when an item fails, runs again item by item (StoreWriter).
/// </summary>
public class StoreWriterTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    [Test]
    public async Task An_item_whose_SQL_fails_fails_alone_and_the_rest_of_its_batch_is_committed()
    {
        await using var gateway = await TestGateway.StartAsync();
        var (before, failing, after) = await InOneBatchAsync(gateway.Get<StoreWriter>(), async (connection, transaction) =>
        {
            await Audit(connection, transaction, "failing");
            await using var broken = connection.CreateCommand();
            broken.Transaction = transaction;
            broken.CommandText = "INSERT INTO no_such_table (id) VALUES (1)";
            await broken.ExecuteNonQueryAsync();
        });

        await before;
        await after;
        await FluentActions.Awaiting(() => failing).Should().ThrowAsync<DbException>();
        (await AuditedAsync(gateway)).Should().BeEquivalentTo(["before", "after"], "the failing item's own statements are rolled back, the others' committed once");
    }

    [Test]
    public async Task An_item_that_throws_after_its_SQL_ran_leaves_nothing_and_the_rest_of_its_batch_is_committed()
    {
        await using var gateway = await TestGateway.StartAsync();
        var (before, failing, after) = await InOneBatchAsync(gateway.Get<StoreWriter>(), async (connection, transaction) =>
        {
            await Audit(connection, transaction, "failing");
            throw new InvalidOperationException("the item gives up after its insert");
        });

        await before;
        await after;
        await FluentActions.Awaiting(() => failing).Should().ThrowAsync<InvalidOperationException>();
        (await AuditedAsync(gateway)).Should().BeEquivalentTo(["before", "after"]);
    }

    /// <summary>
    /// Queues three items while the writer is held inside an earlier batch, so that they are taken together: an audit row
    /// "before", <paramref name="middle"/>, an audit row "after".
    /// </summary>
    private static async Task<(Task Before, Task Middle, Task After)> InOneBatchAsync(StoreWriter writer, Func<DbConnection, DbTransaction, Task> middle)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = writer.RunAsync(async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
        });
        await entered.Task;
        var before = writer.RunAsync((connection, transaction) => Audit(connection, transaction, "before"));
        var failing = writer.RunAsync(middle);
        var after = writer.RunAsync((connection, transaction) => Audit(connection, transaction, "after"));
        release.SetResult();
        await holding;
        return (before, failing, after);
    }

    private static Task Audit(DbConnection connection, DbTransaction transaction, string detail) =>
        AuditLog.AppendAsync(connection, transaction, At, AuditLog.System, "batch-test", "batch-" + detail, detail);

    private static async Task<List<string>> AuditedAsync(TestGateway gateway)
    {
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT detail FROM audit WHERE action = 'batch-test'";
        var found = new List<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
