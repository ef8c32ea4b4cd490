using System.Data.Common;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Web.Accounts;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>
/// The throttle's arithmetic on a fake clock, its counts in the suite's database: allowances, doubling waits, forgetting,
/// refunds, clearing, the table's bound, and two console nodes sharing one count.
/// </summary>
public class SignInThrottleTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("203.0.113.9");
    private static readonly IPAddress User = IPAddress.Parse("198.51.100.20");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private string _data = null!;
    private SafeMailDatabase _database = null!;
    private DbConnection _connection = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _data = Directory.CreateTempSubdirectory("safemail-throttle-").FullName;
        _database = TestDatabase.Open(_data);
        await _database.MigrateAsync();
        _connection = await _database.OpenAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _connection.DisposeAsync();
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private SignInThrottle Throttle(SignInThrottleLimits? limits = null) => new(limits ?? new SignInThrottleLimits(), _clock);

    private Task<SignInAttempt> Begin(SignInThrottle throttle, string account, IPAddress client, string? device = null) =>
        throttle.BeginAsync(_connection, account, client, device);

    [Test]
    public async Task After_the_allowance_each_failure_doubles_the_wait_up_to_the_maximum()
    {
        var throttle = Throttle();
        var limits = new SignInThrottleLimits();
        for (var i = 0; i < limits.PerPair; i++)
        {
            (await Begin(throttle, "yamada", Stranger)).Allowed.Should().BeTrue($"failure {i + 1} is within the allowance");
        }

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 14; i++)
        {
            var refused = await Begin(throttle, "yamada", Stranger);
            refused.Allowed.Should().BeFalse();
            refused.WaitingOn.Should().Be("pair");
            waits.Add(refused.Wait);
            _clock.Advance(refused.Wait);
            (await Begin(throttle, "yamada", Stranger)).Allowed.Should().BeTrue("the wait is over");
        }

        waits.Take(5).Select(w => w.TotalSeconds).Should().Equal(1, 2, 4, 8, 16);
        waits.Should().OnlyContain(w => w <= limits.MaxWait);
        waits[^1].Should().Be(limits.MaxWait);
    }

    [Test]
    public async Task A_refused_attempt_costs_nothing_and_is_reported_once()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerPair = 1 });
        (await Begin(throttle, "yamada", Stranger)).Allowed.Should().BeTrue();
        var first = await Begin(throttle, "yamada", Stranger);
        var second = await Begin(throttle, "yamada", Stranger);
        first.FirstRefusal.Should().BeTrue();
        second.FirstRefusal.Should().BeFalse("refused attempts are audited once per wait, not one row each");
        second.Wait.Should().Be(first.Wait, "refused attempts do not lengthen the wait");
    }

    [Test]
    public async Task A_success_refunds_its_charge_and_clears_the_pair()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerPair = 2, PerAddress = 3 });
        await Begin(throttle, "yamada", User);
        var success = await Begin(throttle, "yamada", User);
        success.Allowed.Should().BeTrue();
        await throttle.SucceededAsync(_connection, success);
        (await Begin(throttle, "yamada", User)).Allowed.Should().BeTrue();
        (await Begin(throttle, "sato", User)).Allowed.Should().BeTrue("the address has 2 failures of 3: the success was refunded");
    }

    [Test]
    public async Task Counts_are_forgotten_after_an_hour_without_failures()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerPair = 1, FirstWait = TimeSpan.FromMinutes(15) });
        await Begin(throttle, "yamada", Stranger);
        (await Begin(throttle, "yamada", Stranger)).Allowed.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMinutes(61));
        (await Begin(throttle, "yamada", Stranger)).Allowed.Should().BeTrue();
    }

    [Test]
    public async Task A_recognised_browser_is_not_held_back_by_guessing_elsewhere_and_clearing_the_account_drops_its_counts()
    {
        await ConsoleUsers.AddAsync(_connection, "yamada", "Correct-Horse-9", ConsoleRoles.Operator, _clock.GetUtcNow());
        var throttle = Throttle(new SignInThrottleLimits { PerAccount = 3, FirstWait = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 3; i++)
        {
            await Begin(throttle, "yamada", IPAddress.Parse($"203.0.113.{i + 1}"));
        }

        var unrecognised = await Begin(throttle, "yamada", User);
        unrecognised.Allowed.Should().BeFalse();
        unrecognised.WaitingOn.Should().Be("account");
        (await Begin(throttle, "yamada", User, "browser-1")).Allowed.Should().BeTrue();
        var waiting = await throttle.WaitingAsync(_connection);
        waiting.Should().ContainKey("yamada").WhoseValue.Should().BePositive();
        waiting.Should().NotContainKey("sato");

        (await ConsoleUsers.ClearSignInWaitAsync(_connection, "yamada", _clock.GetUtcNow())).Should().BeTrue("what the users page and `safemail users unlock` do");
        (await throttle.WaitingAsync(_connection)).Should().BeEmpty();
        (await Begin(throttle, "yamada", User)).Allowed.Should().BeTrue("an admin cleared the account's wait");
        (await Begin(throttle, "yamada", User)).Allowed.Should().BeTrue();
        (await Begin(throttle, "yamada", User)).Allowed.Should().BeTrue();
        (await Begin(throttle, "yamada", User)).Allowed.Should().BeFalse("the account counts again from zero after the clearing");
    }

    [Test]
    public async Task Ipv6_clients_are_counted_by_their_64_bit_prefix()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerAddress = 2 });
        await Begin(throttle, "a", IPAddress.Parse("2001:db8:1:2::10"));
        await Begin(throttle, "b", IPAddress.Parse("2001:db8:1:2:ffff::1"));
        var third = await Begin(throttle, "c", IPAddress.Parse("2001:db8:1:2:abcd::7"));
        third.Allowed.Should().BeFalse();
        third.WaitingOn.Should().Be("address");
        (await Begin(throttle, "c", IPAddress.Parse("2001:db8:1:3::1"))).Allowed.Should().BeTrue("another /64");
    }

    [Test]
    public async Task The_table_stays_bounded_under_a_flood_of_names()
    {
        var throttle = Throttle(new SignInThrottleLimits { MaxEntries = 100, PerAddress = int.MaxValue });
        for (var i = 0; i < 400; i++)
        {
            await Begin(throttle, "guess-" + i, IPAddress.Parse($"10.0.{i / 250}.{i % 250}"));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Pruned once a minute: at most a minute's attempts (3 counts each) above the bound in between.
        (await SignInCounts.CountAsync(_connection)).Should().BeLessThanOrEqualTo(100 + (60 * 3));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Begin(throttle, "guess-last", Stranger);
        (await SignInCounts.CountAsync(_connection)).Should().BeLessThanOrEqualTo(100 + 3);
    }

    [Test]
    public async Task Two_console_nodes_share_the_counts_so_a_guesser_gains_nothing_by_switching()
    {
        var limits = new SignInThrottleLimits { PerPair = 3, FirstWait = TimeSpan.FromMinutes(10) };
        using var otherDatabase = TestDatabase.Open(_data); // the second node: its own pool, the same database
        await using var other = await otherDatabase.OpenAsync();
        var first = Throttle(limits);
        var second = Throttle(limits);

        // Parallel guesses spread over both nodes: exactly the allowance gets through.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var database = i % 2 == 0 ? _database : otherDatabase;
            await using var connection = await database.OpenAsync();
            return await (i % 2 == 0 ? first : second).BeginAsync(connection, "yamada", Stranger, null);
        }));
        attempts.Count(a => a.Allowed).Should().Be(limits.PerPair, "the nodes charge one shared count, one attempt at a time");

        var refused = await second.BeginAsync(other, "yamada", Stranger, null);
        refused.Allowed.Should().BeFalse();
        refused.WaitingOn.Should().Be("pair");
        (await first.WaitingAsync(_connection)).Should().ContainKey("yamada", "the other node's admins see the wait too");
    }
}
