using System.Globalization;
using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// The time zone people read times in — the console's pages and CSV export, the <c>safemail</c> command, sender notices
/// and delivery reports — and the way times are written for them: <c>2026/11/27 14:05 JST</c>, zone shown (GLOSSARY.md).
/// Set by <c>SafeMail:Console:TimeZone</c> (default Asia/Tokyo), never taken from the server's clock settings: a typical
/// server runs in UTC while its readers are in Japan. Days (filters, the dashboard's per-day counts) are days in this zone.
/// </summary>
public sealed class DisplayTime
{
    /// <summary>The setting that names the zone.</summary>
    public const string SettingKey = "SafeMail:Console:TimeZone";

    /// <summary>The default zone: Asia/Tokyo.</summary>
    public const string DefaultZoneId = "Asia/Tokyo";

    /// <summary>Japan has had no daylight saving since 1951, so a fixed +09:00 zone is exact when the system has no tzdata.</summary>
    private static readonly TimeZoneInfo FixedJapan =
        TimeZoneInfo.CreateCustomTimeZone(DefaultZoneId, TimeSpan.FromHours(9), "Japan Standard Time", "JST");

    private DisplayTime(TimeZoneInfo zone) => Zone = zone;

    /// <summary>Asia/Tokyo.</summary>
    public static DisplayTime Default { get; } = new(TryFind(DefaultZoneId) ?? FixedJapan);

    /// <summary>The zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// The zone named by <paramref name="zoneId"/> (an IANA id such as <c>Asia/Tokyo</c>, <c>UTC</c>, <c>America/New_York</c>);
    /// null or empty is the default. Throws <see cref="SettingsException"/> naming <paramref name="key"/> for an unknown zone.
    /// </summary>
    public static DisplayTime Create(string? zoneId, string key = SettingKey)
    {
        if (string.IsNullOrWhiteSpace(zoneId) || zoneId.Trim() == DefaultZoneId)
        {
            return Default;
        }

        return TryFind(zoneId.Trim()) is { } zone ? new DisplayTime(zone) : throw new SettingsException(
        [
            $"{key}: タイムゾーン「{zoneId}」が見つかりません（Asia/Tokyo のような IANA 名で指定し、サーバーに tzdata を入れてください） / " +
            $"unknown time zone '{zoneId}' (use an IANA name such as Asia/Tokyo; the server needs the tzdata package)",
        ]);
    }

    /// <summary>The zone set in <paramref name="configuration"/> (<see cref="SettingKey"/>).</summary>
    public static DisplayTime FromConfiguration(IConfiguration configuration) => Create(configuration[SettingKey]);

    /// <summary><paramref name="at"/> in this zone.</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary><c>2026/11/27 14:05 JST</c>.</summary>
    public string Format(DateTimeOffset at) => Write(at, "yyyy/MM/dd HH:mm");

    /// <summary><c>2026/11/27 14:05:07 JST</c>.</summary>
    public string FormatSeconds(DateTimeOffset at) => Write(at, "yyyy/MM/dd HH:mm:ss");

    /// <summary>ISO 8601 with this zone's offset, for files other programs read: <c>2026-11-27T14:05:07+09:00</c>.</summary>
    public string Iso(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>What readers call the zone at <paramref name="at"/>: JST for Japan, UTC, otherwise the offset (<c>UTC+08:00</c>).</summary>
    public string Label(DateTimeOffset at) => Label(Zone, Zone.GetUtcOffset(at));

    /// <summary>The day <paramref name="at"/> falls on in this zone.</summary>
    public DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(Local(at).DateTime);

    /// <summary>The instant <paramref name="day"/> begins in this zone (the first valid local time, across a DST gap).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    /// <summary>JST for Japan (what Japanese readers expect), UTC for UTC, otherwise the offset (<c>UTC+08:00</c>).</summary>
    public static string Label(TimeZoneInfo zone, TimeSpan offset)
    {
        if (zone.Id is "Asia/Tokyo" or "Tokyo Standard Time" or "Japan" && offset == TimeSpan.FromHours(9))
        {
            return "JST";
        }

        if (offset == TimeSpan.Zero && zone.Id is "UTC" or "Etc/UTC" or "Etc/UCT" or "Universal" or "Coordinated Universal Time")
        {
            return "UTC";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{offset.Duration():hh\\:mm}");
    }

    private string Write(DateTimeOffset at, string format)
    {
        var local = Local(at);
        return local.ToString(format, CultureInfo.InvariantCulture) + " " + Label(Zone, local.Offset);
    }

    private static TimeZoneInfo? TryFind(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
