using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>
/// The last-admin rule where two console nodes share one database: each side has its own connection pool (its own
/// <see cref="SafeMailDatabase"/>), both changes start at the same moment, and exactly one may succeed. Runs on the suite's
/// provider (SQLite's write lock, PostgreSQL's serializable transactions retried on conflict).
/// </summary>
public class LastAdminConcurrencyTests
{
    private string _data = null!;
    private SafeMailDatabase _first = null!;
    private SafeMailDatabase _second = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _data = Directory.CreateTempSubdirectory("safemail-admins-").FullName;
        _first = TestDatabase.Open(_data);
        _second = TestDatabase.Open(_data);
        await _first.MigrateAsync();
        await using var connection = await _first.OpenAsync();
        await ConsoleUsers.AddAsync(connection, "admin1", "Correct-Horse-9", ConsoleRoles.Admin, DateTimeOffset.UtcNow);
        await ConsoleUsers.AddAsync(connection, "admin2", "Correct-Horse-9", ConsoleRoles.Admin, DateTimeOffset.UtcNow);
    }

    [TearDown]
    public void TearDown()
    {
        _first.Dispose();
        _second.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [TestCase("role", "role")]
    [TestCase("disable", "disable")]
    [TestCase("role", "disable")]
    public async Task Two_nodes_removing_the_last_two_admins_at_once_leave_exactly_one(string firstOp, string secondOp)
    {
        for (var round = 0; round < 25; round++)
        {
            await using var a = await _first.OpenAsync();
            await using var b = await _second.OpenAsync();
            using var start = new Barrier(2);
            var results = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return Remove(a, firstOp, "admin2"); }),
                Task.Run(() => { start.SignalAndWait(); return Remove(b, secondOp, "admin1"); }));

            results.Should().BeEquivalentTo([AccountChange.Done, AccountChange.LastAdmin], $"round {round}: exactly one of the two changes succeeds");
            (await ConsoleUsers.CountEnabledAdminsAsync(a)).Should().Be(1, $"round {round}");

            foreach (var name in new[] { "admin1", "admin2" })
            {
                (await ConsoleUsers.SetDisabledAsync(a, name, false)).Should().Be(AccountChange.Done);
                (await ConsoleUsers.SetRoleAsync(a, name, ConsoleRoles.Admin)).Should().Be(AccountChange.Done);
            }
        }
    }

    private static Task<AccountChange> Remove(System.Data.Common.DbConnection connection, string op, string name) => op == "role"
        ? ConsoleUsers.SetRoleAsync(connection, name, ConsoleRoles.Operator)
        : ConsoleUsers.SetDisabledAsync(connection, name, true);
}
