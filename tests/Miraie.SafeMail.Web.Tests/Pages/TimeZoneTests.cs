using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>
/// Times follow the display zone (SafeMail:Console:TimeZone, default Asia/Tokyo), not the server's clock setting (UTC
/// here), and say which zone they are in; days — filters, the dashboard — are days in that zone.
/// </summary>
[NonParallelizable]
public class TimeZoneTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    [Test]
    public async Task By_default_times_are_japan_time_shown_with_jst_and_days_are_japanese_days()
    {
        using var host = await ConsoleHost.StartAsync();
        // 00:30 in Tokyo is 15:30 UTC the day before: on a UTC server the day and the time differ.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Tokyo).DateTime);
        var received = new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 30)), TimeSpan.FromHours(9));
        var id = await InsertAsync(host, received);
        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var shown = day.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);

        using var op = await host.SignedInAsync("operator1");
        var list = await op.GetStringAsync($"/quarantine?from={dayText}&to={dayText}");
        list.Should().Contain(id, "the filter's day is the Tokyo day the message arrived on");
        list.Should().Contain($"{shown} 00:30 JST");
        (await op.GetStringAsync("/quarantine")).Should().MatchRegex(@"\d{4}/\d\d/\d\d \d\d:\d\d JST");

        var dashboard = await op.GetStringAsync("/");
        DayRow(dashboard, day).Should().Be("0|1|0", "counted on the Tokyo day");
        DayRow(dashboard, day.AddDays(-1)).Should().Be("0|0|0", "not on the UTC day");

        using var auditor = await host.SignedInAsync("auditor1");
        var audit = await auditor.GetStringAsync($"/audit?from={dayText}&to={dayText}&action=quarantine");
        audit.Should().Contain(id).And.Contain($"{shown} 00:30 JST");
    }

    [Test]
    public async Task Another_zone_is_used_for_pages_and_the_csv_export_which_states_it()
    {
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["SafeMail:Console:TimeZone"] = "America/New_York" });
        var received = new DateTimeOffset(2026, 11, 27, 5, 5, 7, TimeSpan.Zero); // 00:05 in New York (EST, UTC-05:00)
        var id = await InsertAsync(host, received);

        using var admin = await host.SignedInAsync("admin1");
        (await admin.GetStringAsync("/quarantine/" + id)).Should().Contain("2026/11/27 00:05 UTC-05:00");
        (await admin.GetStringAsync("/quarantine?status=all&from=2026-11-27&to=2026-11-27")).Should().Contain(id);
        (await admin.GetStringAsync("/quarantine?status=all&from=2026-11-26&to=2026-11-26")).Should().NotContain(id, "05:05 UTC is the 27th in New York too");

        var bytes = await admin.GetByteArrayAsync("/audit/export?message=" + id);
        var csv = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        csv[0].Should().StartWith("日時（America/New_York）,");
        csv.Should().Contain(l => l.StartsWith("2026-11-27T00:05:07-05:00,system,quarantine,", StringComparison.Ordinal), "ISO 8601 with the zone's offset");
    }

    [Test]
    public void An_unknown_zone_stops_the_console_naming_the_key()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SafeMail:Console:TimeZone"] = "Asia/Tokio" }).Build();

        FluentActions.Invoking(() => ConsoleSettings.Bind(settings)).Should().Throw<SettingsException>()
            .Which.Errors.Should().ContainSingle().Which.Should().StartWith("SafeMail:Console:TimeZone: ").And.Contain("Asia/Tokio");
    }

    private static async Task<string> InsertAsync(ConsoleHost host, DateTimeOffset received)
    {
        var id = QueueId.New(received);
        await using var connection = await host.Database.OpenAsync();
        await MessageTable.InsertAsync(connection, null, new MessageRecord
        {
            Id = id,
            ReceivedAt = received,
            NodeId = "web-test",
            EnvelopeFrom = "tanaka@example.co.jp",
            Subject = "時刻の確認",
            Size = 1234,
            State = MessageState.Quarantined,
            Verdict = "quarantine",
            Rule = "external-unprotected",
            Confirmation = "absent",
            External = true,
            FindingsJson = "[]",
            Origin = MessageOrigin.Smtp,
            FilePath = "quarantine/" + id + ".eml", // not written: the detail page says the original cannot be read
            HeaderFromName = "",
            Recipients = [new RecipientRecord("buyer@customer.example.com", true, RecipientState.Pending, null)],
        });
        await AuditLog.AppendAsync(connection, null, received, AuditLog.System, AuditActions.Quarantine, id, "external-unprotected");
        return id;
    }

    /// <summary>The dashboard's table row for <paramref name="day"/>: passed|quarantined|rejected.</summary>
    private static string DayRow(string html, DateOnly day)
    {
        var match = Regex.Match(html, $"<tr><td>{day.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture)}</td><td class=\"num\">(\\d+)</td><td class=\"num\">(\\d+)</td><td class=\"num\">(\\d+)</td></tr>");
        match.Success.Should().BeTrue($"the dashboard lists {day}");
        return $"{match.Groups[1].Value}|{match.Groups[2].Value}|{match.Groups[3].Value}";
    }
}
