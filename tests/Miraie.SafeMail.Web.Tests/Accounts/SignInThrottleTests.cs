using System.Net;
using Microsoft.Extensions.Time.Testing;
using Miraie.SafeMail.Web.Accounts;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>The throttle's arithmetic on a fake clock: allowances, doubling waits, forgetting, refunds, clearing and its memory bound.</summary>
public class SignInThrottleTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("203.0.113.9");
    private static readonly IPAddress User = IPAddress.Parse("198.51.100.20");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private SignInThrottle Throttle(SignInThrottleLimits? limits = null) => new(limits ?? new SignInThrottleLimits(), _clock);

    [Test]
    public void After_the_allowance_each_failure_doubles_the_wait_up_to_the_maximum()
    {
        var throttle = Throttle();
        var limits = new SignInThrottleLimits();
        for (var i = 0; i < limits.PerPair; i++)
        {
            throttle.Begin("yamada", Stranger, null, null).Allowed.Should().BeTrue($"failure {i + 1} is within the allowance");
        }

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 14; i++)
        {
            var refused = throttle.Begin("yamada", Stranger, null, null);
            refused.Allowed.Should().BeFalse();
            refused.WaitingOn.Should().Be("pair");
            waits.Add(refused.Wait);
            _clock.Advance(refused.Wait);
            throttle.Begin("yamada", Stranger, null, null).Allowed.Should().BeTrue("the wait is over");
        }

        waits.Take(5).Select(w => w.TotalSeconds).Should().Equal(1, 2, 4, 8, 16);
        waits.Should().OnlyContain(w => w <= limits.MaxWait);
        waits[^1].Should().Be(limits.MaxWait);
    }

    [Test]
    public void A_refused_attempt_costs_nothing_and_is_reported_once()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerPair = 1 });
        throttle.Begin("yamada", Stranger, null, null).Allowed.Should().BeTrue();
        var first = throttle.Begin("yamada", Stranger, null, null);
        var second = throttle.Begin("yamada", Stranger, null, null);
        first.FirstRefusal.Should().BeTrue();
        second.FirstRefusal.Should().BeFalse("refused attempts are audited once per wait, not one row each");
        second.Wait.Should().Be(first.Wait, "refused attempts do not lengthen the wait");
    }

    [Test]
    public void A_success_refunds_its_charge_and_clears_the_pair()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerPair = 2, PerAddress = 3 });
        throttle.Begin("yamada", User, null, null);
        var success = throttle.Begin("yamada", User, null, null);
        success.Allowed.Should().BeTrue();
        throttle.Succeeded(success);
        throttle.Begin("yamada", User, null, null).Allowed.Should().BeTrue();
        throttle.Begin("sato", User, null, null).Allowed.Should().BeTrue("the address has 2 failures of 3: the success was refunded");
    }

    [Test]
    public void Counts_are_forgotten_after_an_hour_without_failures()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerPair = 1, FirstWait = TimeSpan.FromMinutes(15) });
        throttle.Begin("yamada", Stranger, null, null);
        throttle.Begin("yamada", Stranger, null, null).Allowed.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMinutes(61));
        throttle.Begin("yamada", Stranger, null, null).Allowed.Should().BeTrue();
    }

    [Test]
    public void A_recognised_browser_is_not_held_back_by_guessing_elsewhere_and_a_newer_clear_drops_the_counts()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerAccount = 3, FirstWait = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 3; i++)
        {
            throttle.Begin("yamada", IPAddress.Parse($"203.0.113.{i + 1}"), null, null);
        }

        var unrecognised = throttle.Begin("yamada", User, null, null);
        unrecognised.Allowed.Should().BeFalse();
        unrecognised.WaitingOn.Should().Be("account");
        throttle.Begin("yamada", User, "browser-1", null).Allowed.Should().BeTrue();
        throttle.Waiting("yamada").Should().BePositive();
        throttle.Waiting("sato").Should().BeNull();

        var cleared = _clock.GetUtcNow();
        throttle.Begin("yamada", User, null, cleared).Allowed.Should().BeTrue("an admin cleared the account's wait");
        throttle.Begin("yamada", User, null, cleared).Allowed.Should().BeTrue();
        throttle.Begin("yamada", User, null, cleared).Allowed.Should().BeTrue();
        throttle.Begin("yamada", User, null, cleared).Allowed.Should().BeFalse("the same clearing time is applied once, not on every attempt");
    }

    [Test]
    public void Ipv6_clients_are_counted_by_their_64_bit_prefix()
    {
        var throttle = Throttle(new SignInThrottleLimits { PerAddress = 2 });
        throttle.Begin("a", IPAddress.Parse("2001:db8:1:2::10"), null, null);
        throttle.Begin("b", IPAddress.Parse("2001:db8:1:2:ffff::1"), null, null);
        var third = throttle.Begin("c", IPAddress.Parse("2001:db8:1:2:abcd::7"), null, null);
        third.Allowed.Should().BeFalse();
        third.WaitingOn.Should().Be("address");
        throttle.Begin("c", IPAddress.Parse("2001:db8:1:3::1"), null, null).Allowed.Should().BeTrue("another /64");
    }

    [Test]
    public void Memory_stays_bounded_under_a_flood_of_names()
    {
        var throttle = Throttle(new SignInThrottleLimits { MaxEntries = 1000, PerAddress = int.MaxValue });
        for (var i = 0; i < 5000; i++)
        {
            throttle.Begin("guess-" + i, IPAddress.Parse($"10.0.{i / 250}.{i % 250}"), null, null);
        }

        throttle.Counts.Should().BeLessThanOrEqualTo(1000 + 3);
    }
}
