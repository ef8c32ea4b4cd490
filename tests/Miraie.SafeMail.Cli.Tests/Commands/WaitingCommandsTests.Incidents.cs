using System.Text.Json;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary><c>safemail incidents</c> against the running gateway of the held-mail tests: a report stops held mail for good.</summary>
public partial class WaitingCommandsTests
{
    [Test]
    public async Task A_report_from_the_shell_cancels_held_mail_and_the_incident_is_listed_and_shown_with_its_work_log()
    {
        var id = await SendAsync("buyer@customer.example.com", "シェルからの報告");

        var missing = await SafemailIn("ja", "incidents", "report", id);
        missing.ExitCode.Should().Be(64, "a reason is required");
        (await SafemailIn("ja", "incidents", "report", "20261204-000000-nosuchid", "--reason", "x")).ExitCode.Should().Be(66);

        var report = await SafemailIn("ja", "incidents", "report", id, "--reason", "電話で報告あり", "--wrong", "buyer@customer.example.com", "--by", "soc1");
        report.ExitCode.Should().Be(0, report.Error);
        report.Out.Should().Contain("誤送信の報告 #1").And.Contain("送信保留中だったため、送信を取り消しました。");

        var list = await SafemailIn("ja", "incidents", "list");
        list.ExitCode.Should().Be(0, list.Error);
        list.Out.Should().Contain("誤送信の報告 1件").And.Contain("#1").And.Contain(id).And.Contain("対応中");
        var show = await SafemailIn("en", "incidents", "show", "1");
        show.Out.Should().Contain("Wrong recipients: buyer@customer.example.com").And.Contain("cli:soc1").And.Contain("電話で報告あり");
        using (var json = JsonDocument.Parse((await Safemail("incidents", "show", "1", "--json")).Out))
        {
            json.RootElement.GetProperty("incident").GetProperty("messageId").GetString().Should().Be(id);
        }

        var held = await Safemail("held", "list", "--json");
        using var heldJson = JsonDocument.Parse(held.Out);
        heldJson.RootElement.GetArrayLength().Should().Be(0, "the reported message is no longer held: it was cancelled");
        (await Safemail("held", "send-now", id)).ExitCode.Should().Be(65, "a reported message is never sent");
    }
}
