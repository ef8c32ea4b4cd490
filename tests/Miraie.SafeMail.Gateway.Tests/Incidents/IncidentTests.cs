using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Incidents;

/// <summary>
/// 誤送信の報告 through real SMTP on a real database: a report contains at once (held mail cancelled — and then never
/// delivered —, approval declined, what already left said truthfully), the security office gets the facts by mail, a sender
/// reports only their own mail, and the incident keeps its work log, root cause and corrective action until it is closed.
/// </summary>
public class IncidentTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";
    private const string Office = "security@example.co.jp";

    private TestGateway _gateway = null!;

    private static Dictionary<string, string?> Settings(string holdFor = "00:00:03") => new()
    {
        ["SafeMail:Policy:Rules:0:Name"] = "approve-partner",
        ["SafeMail:Policy:Rules:0:Action"] = "Approve",
        ["SafeMail:Policy:Rules:0:Approvers:0"] = "boss@example.co.jp",
        ["SafeMail:Policy:Rules:0:When:RecipientDomains:0"] = "partner.example.com",
        ["SafeMail:Policy:Rules:1:Name"] = "hold-external",
        ["SafeMail:Policy:Rules:1:Action"] = "Hold",
        ["SafeMail:Policy:Rules:1:HoldFor"] = holdFor,
        ["SafeMail:Policy:Rules:1:When:RecipientDomains:0"] = "customer.example.com",
        ["SafeMail:Policy:Rules:2:Name"] = "default-pass",
        ["SafeMail:Policy:Rules:2:Action"] = "Pass",
        ["SafeMail:Waiting:ConsoleUrl"] = "https://safemail.example.co.jp",
        ["SafeMail:Incidents:SecurityOffice:0"] = Office,
    };

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_held_message_its_sender_reports_is_never_delivered_and_the_security_office_gets_the_facts()
    {
        _gateway = await TestGateway.StartAsync(Settings());
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer, "suzuki@example.co.jp"], "見積書の送付", TestMessages.Pdf),
            Sender, Customer, "suzuki@example.co.jp"));
        (await _gateway.RecordAsync(id))!.State.Should().Be(MessageState.Held);

        var result = await _gateway.Get<IncidentService>().ReportAsync(WaitingActor.Person("Tanaka@Example.co.jp"),
            new IncidentReport(id, WrongRecipients: [Customer], Statement: "宛先を間違えました。\n別の取引先です。"));

        result.Outcome.Should().Be(IncidentOutcome.Done);
        result.Notified.Should().BeTrue();
        result.Text.Ja.Should().Contain($"#{result.IncidentId}").And.Contain("ご報告ありがとうございます").And.Contain("セキュリティ事務局に伝えました");
        result.Steps.Select(s => (s.Step, s.Outcome)).Should().Equal(("cancel-held", ContainmentOutcome.Stopped), ("delivery", ContainmentOutcome.NotSent));

        // Well past the hold's time: only the notice to the security office leaves, never the message.
        var files = await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(5));
        files = await _gateway.WaitForPickupAsync(1, TimeSpan.Zero);
        files.Should().ContainSingle("the reported message is never delivered");
        (await _gateway.RecordAsync(id))!.State.Should().Be(MessageState.Cancelled);
        var notice = Mails.Decode(await File.ReadAllTextAsync(files[0]));
        notice.Should().Contain($"To: {Office}").And.Contain($"【誤送信の報告】[Misdelivery report] #{result.IncidentId} 見積書の送付");
        notice.Should().Contain("報告者: tanaka@example.co.jp").And.Contain("誤っていた宛先（報告者による）: " + Customer)
            .And.Contain("  宛先を間違えました。").And.Contain("  別の取引先です。");
        notice.Should().Contain($"  {Customer}（社外）").And.Contain("  suzuki@example.co.jp\n").And.Contain("見積書.pdf（PDF）");
        notice.Should().Contain("送信保留中だったため、送信を取り消しました。").And.Contain("どの宛先にも送信されていません")
            .And.Contain($"https://safemail.example.co.jp/incidents/{result.IncidentId}").And.Contain("Wrong recipients (as reported)");
        notice.Should().NotContainAny("責任", "原因を説明", "fault", "blame");

        var history = await _gateway.HistoryAsync(id);
        history.Select(a => a.Action).Should().Contain([AuditActions.IncidentReport, AuditActions.Cancel, AuditActions.IncidentContain, AuditActions.IncidentNotify]);
        history.Should().ContainSingle(a => a.Action == AuditActions.Cancel && a.Actor == Sender);
        var (incident, log) = (await _gateway.Get<IncidentService>().GetAsync(result.IncidentId!.Value))!.Value;
        incident.MessageId.Should().Be(id);
        incident.ReporterAddress.Should().Be(Sender);
        incident.WrongRecipients.Should().Equal(Customer);
        incident.State.Should().Be(IncidentState.Open);
        log.Select(e => e.Author).Should().Equal(Sender, AuditLog.System, AuditLog.System, AuditLog.System);
        log[1].Text.Should().Contain("送信を取り消しました");
    }

    [Test]
    public async Task A_reported_link_is_revoked_at_once_and_the_report_says_who_had_already_downloaded()
    {
        var settings = Settings();
        settings["SafeMail:Policy:Rules:1:Action"] = "Link";
        settings.Remove("SafeMail:Policy:Rules:1:HoldFor");
        _gateway = await TestGateway.StartAsync(settings);
        var links = _gateway.Get<Gateway.Links.LinkService>();
        var untouched = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "未ダウンロード", TestMessages.Pdf), Sender, Customer));
        var fetched = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "ダウンロード済み", TestMessages.Pdf), Sender, Customer));
        var fetchedLink = (await links.ListAsync(Sender)).Single(l => l.MessageId == fetched);
        await links.DownloadAsync((await links.GetAsync(fetchedLink.Id))!, 1, Customer, "192.0.2.7", Stream.Null);

        var first = await _gateway.Get<IncidentService>().ReportAsync(WaitingActor.Person(Sender), new IncidentReport(untouched, WrongRecipients: [Customer]));
        first.Steps.Should().Contain(s => s.Step == "revoke-links" && s.Outcome == ContainmentOutcome.Stopped && s.Text.Ja.Contains("まだ誰もダウンロードしていません"));
        var second = await _gateway.Get<IncidentService>().ReportAsync(WaitingActor.Person(Sender), new IncidentReport(fetched, WrongRecipients: [Customer]));
        second.Steps.Should().Contain(s => s.Step == "revoke-links" && s.Outcome == ContainmentOutcome.Left && s.Text.En.Contains("by " + Customer));

        (await links.ListAsync(Sender)).Should().OnlyContain(l => l.RevokedAt != null, "every reported link refuses downloads from now on");
        (await _gateway.HistoryAsync(untouched)).Should().Contain(a => a.Action == AuditActions.LinkRevoke && a.Actor == Sender);
        var again = await _gateway.Get<IncidentService>().ReportAsync(WaitingActor.Person(Sender), new IncidentReport(untouched));
        again.Steps.Should().Contain(s => s.Step == "revoke-links" && s.Outcome == ContainmentOutcome.AlreadyStopped);
    }

    [Test]
    public async Task A_sender_cannot_report_another_senders_message_and_it_stays_held()
    {
        _gateway = await TestGateway.StartAsync(Settings("01:00:00"));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "他人のメール"), Sender, Customer));
        var service = _gateway.Get<IncidentService>();

        var stranger = await service.ReportAsync(WaitingActor.Person("sato@example.co.jp"), new IncidentReport(id));
        stranger.Outcome.Should().Be(IncidentOutcome.NotFound, "another sender's id is answered as unknown");
        (await service.ReportAsync(WaitingActor.Person("sato@example.co.jp"), new IncidentReport("20261204-000000-nosuchid"))).Outcome
            .Should().Be(IncidentOutcome.NotFound);
        (await _gateway.RecordAsync(id))!.State.Should().Be(MessageState.Held);
        (await service.ListAsync()).Should().BeEmpty("nothing was recorded");
        (await _gateway.HistoryAsync(id)).Should().ContainSingle(a => a.Action == AuditActions.IncidentRefused && a.Actor == "sato@example.co.jp");

        // An operator reports anyone's mail.
        var byOperator = await service.ReportAsync(new WaitingActor("web:operator1", null, IsOperator: true), new IncidentReport(id));
        byOperator.Outcome.Should().Be(IncidentOutcome.Done);
        (await _gateway.RecordAsync(id))!.State.Should().Be(MessageState.Cancelled);
    }

    [Test]
    public async Task Approval_is_declined_a_delivered_message_is_said_to_have_left_and_a_second_report_says_it_was_already_stopped()
    {
        _gateway = await TestGateway.StartAsync(Settings("01:00:00"));
        var service = _gateway.Get<IncidentService>();
        var me = WaitingActor.Person(Sender);
        var awaiting = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, ["x@partner.example.com"], "承認待ち"), Sender, "x@partner.example.com"));
        await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15)); // the approval request to the boss

        var declined = await service.ReportAsync(me, new IncidentReport(awaiting));
        declined.Steps.Select(s => (s.Step, s.Outcome)).Should().Equal(("decline-approval", ContainmentOutcome.Stopped), ("delivery", ContainmentOutcome.NotSent));
        (await _gateway.RecordAsync(awaiting))!.State.Should().Be(MessageState.Declined);
        (await _gateway.Get<ApprovalService>().ApproveAsync(new WaitingActor("boss", "boss@example.co.jp"), awaiting)).Outcome
            .Should().Be(DecisionOutcome.AlreadyDeclined, "an approval after the report never sends it");

        var sent = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, ["suzuki@example.co.jp"], "社内連絡"), Sender, "suzuki@example.co.jp"));
        await _gateway.WaitForPickupAsync(3, TimeSpan.FromSeconds(15));
        for (var i = 0; i < 100 && (await _gateway.RecordAsync(sent))!.State != MessageState.Delivered; i++)
        {
            await Task.Delay(100);
        }

        var left = await service.ReportAsync(me, new IncidentReport(sent));
        left.Steps.Should().ContainSingle().Which.Outcome.Should().Be(ContainmentOutcome.Left);
        left.Steps[0].Text.Ja.Should().Contain("配送済み（相手のサーバーが受け取りました）: suzuki@example.co.jp").And.Contain("取り消しはできません");

        var again = await service.ReportAsync(me, new IncidentReport(awaiting));
        again.Steps[0].Outcome.Should().Be(ContainmentOutcome.AlreadyStopped);
        (await _gateway.HistoryAsync(awaiting)).Count(a => a.Action == AuditActions.Decline).Should().Be(1, "declined once");
    }

    [Test]
    public async Task A_report_by_Message_ID_finds_the_senders_own_mail_and_one_by_subject_alone_is_recorded_without_stopping_anything()
    {
        _gateway = await TestGateway.StartAsync(Settings("01:00:00"));
        var message = TestMessages.Mail(Sender, [Customer], "件名だけ");
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, message, Sender, Customer));
        var service = _gateway.Get<IncidentService>();

        (await service.ReportAsync(WaitingActor.Person("sato@example.co.jp"), new IncidentReport(null, InternetMessageId: $"<{message.MessageId}>"))).MessageId
            .Should().BeNull("another sender's Message-ID finds nothing of theirs");
        (await _gateway.RecordAsync(id))!.State.Should().Be(MessageState.Held);

        var found = await service.ReportAsync(WaitingActor.Person(Sender), new IncidentReport(null, InternetMessageId: $"<{message.MessageId}>"));
        found.MessageId.Should().Be(id);
        (await _gateway.RecordAsync(id))!.State.Should().Be(MessageState.Cancelled);

        var unknown = await service.ReportAsync(WaitingActor.Person(Sender), new IncidentReport(null, Subject: "SafeMail を通っていないメール"));
        unknown.Outcome.Should().Be(IncidentOutcome.Done);
        unknown.Steps.Should().BeEmpty();
        (await service.GetAsync(unknown.IncidentId!.Value))!.Value.Incident.MessageHint.Should().Be("SafeMail を通っていないメール");
        (await service.ReportAsync(WaitingActor.Person(Sender), new IncidentReport(" "))).Outcome.Should().Be(IncidentOutcome.NothingNamed);
    }

    [Test]
    public async Task The_work_log_root_cause_and_corrective_action_are_kept_and_a_closed_incident_takes_nothing_more()
    {
        _gateway = await TestGateway.StartAsync(Settings("01:00:00"));
        var service = _gateway.Get<IncidentService>();
        var id = (await service.ReportAsync(WaitingActor.Person(Sender), new IncidentReport(null, Subject: "記録テスト"))).IncidentId!.Value;
        var operatorActor = new WaitingActor("web:operator1", null, IsOperator: true);

        (await service.AddLogAsync(WaitingActor.Person(Sender), id, "自分で閉じる")).Should().Be(IncidentOutcome.NotAllowed, "senders report; staff follow up");
        (await service.AddLogAsync(operatorActor, id, "  ")).Should().Be(IncidentOutcome.TextRequired);
        (await service.AddLogAsync(operatorActor, id, new string('長', IncidentTable.MaxText + 1))).Should().Be(IncidentOutcome.TooLong);
        (await service.CloseAsync(operatorActor, id)).Should().Be(IncidentOutcome.Incomplete);
        (await service.AddLogAsync(operatorActor, id, "取引先に削除を依頼しました")).Should().Be(IncidentOutcome.Done);
        (await service.SetFindingsAsync(operatorActor, id, "オートコンプリートで似た宛先を選んだ", null)).Should().Be(IncidentOutcome.Done);
        (await service.CloseAsync(operatorActor, id)).Should().Be(IncidentOutcome.Incomplete, "the corrective action is still missing");
        (await service.SetFindingsAsync(operatorActor, id, null, "社外宛ての送信保留を 5 分に")).Should().Be(IncidentOutcome.Done);
        (await service.CloseAsync(operatorActor, id)).Should().Be(IncidentOutcome.Done);
        (await service.CloseAsync(operatorActor, id)).Should().Be(IncidentOutcome.Closed);
        (await service.AddLogAsync(operatorActor, id, "追記")).Should().Be(IncidentOutcome.Closed);
        (await service.AddLogAsync(operatorActor, 999_999, "x")).Should().Be(IncidentOutcome.NotFound);

        var (incident, log) = (await service.GetAsync(id))!.Value;
        incident.State.Should().Be(IncidentState.Closed);
        incident.ClosedBy.Should().Be("web:operator1");
        incident.RootCause.Should().Be("オートコンプリートで似た宛先を選んだ");
        incident.CorrectiveAction.Should().Be("社外宛ての送信保留を 5 分に");
        log.Select(e => e.Text).Should().ContainInOrder("取引先に削除を依頼しました", "根本原因 / Root cause: オートコンプリートで似た宛先を選んだ",
            "是正処置 / Corrective action: 社外宛ての送信保留を 5 分に", "対応完了 / Closed");

        await using var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT action, COUNT(*) FROM audit WHERE action LIKE 'incident-%' GROUP BY action ORDER BY action";
        var counts = new Dictionary<string, long>();
        await using var reader = await count.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        counts.Should().Contain(AuditActions.IncidentUpdate, 3).And.Contain(AuditActions.IncidentClose, 1).And.Contain(AuditActions.IncidentRefused, 8);
    }
}
