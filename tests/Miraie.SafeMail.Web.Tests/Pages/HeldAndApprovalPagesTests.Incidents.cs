using System.Net;
using System.Text;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>
/// 誤送信の報告 in the console (ADR-020), on the same host and mail as the held-mail pages: a sender reports their own held
/// message and it is cancelled at once, never someone else's; staff keep the work log, root cause and corrective action and
/// close it; auditors read; the incidents export as CSV.
/// </summary>
public partial class HeldAndApprovalPagesTests
{
    [Test]
    public async Task A_sender_reports_their_own_held_mail_it_is_cancelled_and_the_security_office_is_told()
    {
        var id = await SendAsync(Suzuki, "buyer@hold.example.com", "誤送信の報告テスト");
        using var suzuki = await SignInWithEntraAsync(Suzuki);
        (await suzuki.GetStringAsync($"/held/{id}")).Should().Contain($"/incidents/report?id={id}", "the held page offers the report");

        using var response = await PostAsync(suzuki, "/incidents/report", $"/incidents/report?id={id}",
            new() { ["id"] = id, ["wrong"] = "buyer@hold.example.com", ["statement"] = "宛先を取り違えました" });
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/incidents/report", "a sender does not see the incidents");
        var page = await suzuki.GetStringAsync("/incidents/report");
        page.Should().Contain("ご報告ありがとうございます").And.Contain("送信保留中だったため、送信を取り消しました。").And.Contain("セキュリティ事務局に伝えました");

        (await StateAsync(id)).State.Should().Be(MessageState.Cancelled);
        var audit = await _host.AuditAsync();
        audit.Should().Contain(row => row.Actor == "web:" + Suzuki && row.Action == AuditActions.IncidentReport);
        audit.Should().Contain(row => row.Actor == "web:" + Suzuki && row.Action == AuditActions.Cancel);
        var notices = await Task.WhenAll((await _host.WaitForPickupAsync(1, TimeSpan.FromSeconds(15))).Select(f => File.ReadAllTextAsync(f)));
        notices.Should().Contain(n => n.Contains("To: " + SecurityOffice, StringComparison.Ordinal));
    }

    [Test]
    public async Task A_sender_cannot_report_another_senders_mail_nor_read_the_incidents()
    {
        var theirs = await SendAsync(Tanaka, "buyer@hold.example.com", "田中さんの誤送信候補");
        using var suzuki = await SignInWithEntraAsync(Suzuki);

        using (var report = await PostAsync(suzuki, "/incidents/report", "/incidents/report", new() { ["id"] = theirs }))
        {
            report.StatusCode.Should().Be(HttpStatusCode.NotFound, "another sender's mail is answered as no such message");
        }

        (await StateAsync(theirs)).State.Should().Be(MessageState.Held);
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:" + Suzuki && row.Action == AuditActions.IncidentRefused);
        foreach (var path in new[] { "/incidents", "/incidents/1", "/incidents/export" })
        {
            using var response = await suzuki.GetAsync(path);
            response.Headers.Location!.OriginalString.Should().Contain("/denied", path);
        }
    }

    [Test]
    public async Task An_operator_reports_and_keeps_the_work_log_an_auditor_reads_and_the_export_is_csv_with_a_bom()
    {
        var id = await SendAsync(Tanaka, "buyer@hold.example.com", "運用担当者による報告");
        using var operatorClient = await _host.SignedInAsync("operator1");
        using (var report = await PostAsync(operatorClient, "/incidents/report", "/incidents/report", new() { ["id"] = id, ["statement"] = "電話で連絡あり" }))
        {
            report.StatusCode.Should().Be(HttpStatusCode.Redirect);
            report.Headers.Location!.OriginalString.Should().MatchRegex("^/incidents/[0-9]+$");
        }

        var list = await operatorClient.GetStringAsync("/incidents");
        var incident = System.Text.RegularExpressions.Regex.Matches(list, "href=\"/incidents/([0-9]+)\"").Select(m => m.Groups[1].Value).First();
        var path = $"/incidents/{incident}";
        var detail = await operatorClient.GetStringAsync(path);
        detail.Should().Contain("buyer@hold.example.com (社外").And.Contain("見積書.pdf").And.Contain("電話で連絡あり").And.Contain("送信を取り消しました");
        (await StateAsync(id)).State.Should().Be(MessageState.Cancelled);

        using (var close = await PostAsync(operatorClient, $"{path}?handler=Close", path))
        {
            close.Headers.Location!.OriginalString.Should().Be(path);
        }

        (await operatorClient.GetStringAsync(path)).Should().Contain("完了にする前に、根本原因と是正処置を記録してください。");
        (await PostAsync(operatorClient, $"{path}?handler=Log", path, new() { ["text"] = "受信者に削除を依頼" })).Dispose();
        (await PostAsync(operatorClient, $"{path}?handler=Findings", path, new() { ["rootCause"] = "宛先の自動補完", ["correctiveAction"] = "社外宛てを保留" })).Dispose();

        using var auditor = await _host.SignedInAsync("auditor1");
        var read = await auditor.GetStringAsync(path);
        read.Should().Contain("受信者に削除を依頼").And.Contain("宛先の自動補完").And.NotContain("対応完了にする");
        using (var refused = await PostAsync(auditor, $"{path}?handler=Close", path))
        {
            refused.Headers.Location!.OriginalString.Should().Contain("/denied", "auditors read, never act");
        }

        using (var closed = await PostAsync(operatorClient, $"{path}?handler=Close", path))
        {
            closed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        (await operatorClient.GetStringAsync(path)).Should().Contain("完了").And.NotContain("対応完了にする");

        using var export = await auditor.GetAsync("/incidents/export");
        export.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        bytes.Take(3).Should().Equal(0xEF, 0xBB, 0xBF);
        var csv = Encoding.UTF8.GetString(bytes);
        csv.Should().Contain("番号,状態,報告日時").And.Contain($"{incident},完了,").And.Contain("宛先の自動補完").And.Contain("受信者に削除を依頼");
        (await _host.AuditAsync()).Should().Contain(row => row.Actor == "web:auditor1" && row.Action == AuditActions.IncidentExport)
            .And.Contain(row => row.Actor == "web:operator1" && row.Action == AuditActions.IncidentClose);
    }
}
