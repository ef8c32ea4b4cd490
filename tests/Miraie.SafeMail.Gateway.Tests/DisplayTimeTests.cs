using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests;

/// <summary>Times are shown in the configured zone (default Asia/Tokyo, whatever the server's clock), with the zone named.</summary>
public class DisplayTimeTests
{
    private static readonly DateTimeOffset Instant = new(2026, 11, 27, 5, 5, 7, TimeSpan.Zero);

    [Test]
    public void The_default_is_japan_time_named_jst_whatever_the_servers_zone()
    {
        DisplayTime.Create(null).Format(Instant).Should().Be("2026/11/27 14:05 JST");
        DisplayTime.Default.FormatSeconds(Instant).Should().Be("2026/11/27 14:05:07 JST");
        DisplayTime.Default.Iso(Instant).Should().Be("2026-11-27T14:05:07+09:00");
        DisplayTime.Default.Day(Instant.AddHours(16)).Should().Be(new DateOnly(2026, 11, 28), "21:05 UTC is the next morning in Tokyo");
        DisplayTime.Default.StartOf(new DateOnly(2026, 11, 28)).Should().Be(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
    }

    [Test]
    public void Other_zones_are_named_by_their_offset_and_days_follow_daylight_saving()
    {
        DisplayTime.Create("UTC").Format(Instant).Should().Be("2026/11/27 05:05 UTC");
        DisplayTime.Create("Asia/Singapore").Format(Instant).Should().Be("2026/11/27 13:05 UTC+08:00");
        var newYork = DisplayTime.Create("America/New_York");
        newYork.Format(Instant).Should().Be("2026/11/27 00:05 UTC-05:00");
        newYork.StartOf(new DateOnly(2026, 7, 1)).Offset.Should().Be(TimeSpan.FromHours(-4), "summer time");
        newYork.StartOf(new DateOnly(2026, 12, 1)).Offset.Should().Be(TimeSpan.FromHours(-5));
    }

    [Test]
    public void An_unknown_zone_is_refused_naming_the_key()
    {
        FluentActions.Invoking(() => DisplayTime.Create("Mars/Olympus_Mons")).Should().Throw<SettingsException>()
            .Which.Errors.Should().ContainSingle().Which.Should().StartWith("SafeMail:Console:TimeZone: ").And.Contain("Mars/Olympus_Mons").And.Contain("tzdata");
    }

    [Test]
    public async Task A_gateway_with_an_unknown_zone_does_not_start()
    {
        var start = () => TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:TimeZone"] = "Asia/Tokio" });
        (await start.Should().ThrowAsync<SettingsException>()).Which.Message.Should().StartWith("SafeMail:Console:TimeZone: ");
    }
}
