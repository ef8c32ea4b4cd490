using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>
/// 上長承認 through real SMTP: mail to customers waits for an approver, who is asked by mail; approval sends it, rejection
/// (with a reason) and running out of time never do; the sender is told either way; only approvers (or an admin) decide.
/// </summary>
public class ApprovalTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Boss = "boss@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    private TestGateway _gateway = null!;

    private static Dictionary<string, string?> ApproveExternal(params string[] approvers)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "approve-external",
            ["SafeMail:Policy:Rules:0:Action"] = "Approve",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
            ["SafeMail:Waiting:ConsoleUrl"] = "https://safemail.example.co.jp",
        };
        for (var i = 0; i < approvers.Length; i++)
        {
            settings[$"SafeMail:Policy:Rules:0:Approvers:{i}"] = approvers[i];
        }

        return settings;
    }

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    [Test]
    public async Task The_approver_is_asked_by_mail_and_an_approval_sends_the_message_and_tells_the_sender()
    {
        _gateway = await TestGateway.StartAsync(ApproveExternal(Boss, "deputy@example.co.jp"));
        var reply = await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "契約書の送付"), Sender, Customer);
        reply.Should().Contain("awaiting approval");
        var id = Mailer.QueueIdOf(reply);
        var record = await GetAsync(id);
        record.State.Should().Be(MessageState.AwaitingApproval);
        record.Approvers.Should().Equal(Boss, "deputy@example.co.jp");
        record.ExpiresAt.Should().BeCloseTo(record.ReceivedAt + Core.Policy.PolicyRule.DefaultDecideWithin, TimeSpan.FromSeconds(1));

        var requests = await _gateway.WaitForPickupAsync(2, TimeSpan.FromSeconds(15));
        var texts = await Task.WhenAll(requests.Select(f => File.ReadAllTextAsync(f)));
        texts.Should().Contain(t => t.Contains($"To: {Boss}", StringComparison.OrdinalIgnoreCase));
        var request = Decode(texts.First(t => t.Contains(Boss, StringComparison.OrdinalIgnoreCase)));
        request.Should().Contain("【承認依頼】").And.Contain("[Approval requested]").And.Contain($"https://safemail.example.co.jp/Approvals/{id}")
            .And.Contain($"{Customer}（社外）");

        var approvals = _gateway.Get<ApprovalService>();
        (await approvals.ListAsync(WaitingActor.Person(Boss))).Select(m => m.Id).Should().Equal(id);
        (await approvals.ListAsync(WaitingActor.Person("sato@example.co.jp"))).Should().BeEmpty();
        (await approvals.ListSentAsync(WaitingActor.Person(Sender))).Select(m => m.Id).Should().Equal(id);
        (await approvals.ApproveAsync(WaitingActor.Person("sato@example.co.jp"), id)).Outcome.Should().Be(DecisionOutcome.NotFound);
        (await approvals.ApproveAsync(WaitingActor.Person(Sender), id)).Outcome.Should().Be(DecisionOutcome.NotAllowed, "nobody approves their own mail");

        (await approvals.ApproveAsync(WaitingActor.Person(Boss), id)).Outcome.Should().Be(DecisionOutcome.Done);
        (await approvals.ApproveAsync(WaitingActor.Person("deputy@example.co.jp"), id)).Outcome.Should().Be(DecisionOutcome.AlreadySent);

        var files = await _gateway.WaitForPickupAsync(4, TimeSpan.FromSeconds(15));
        var all = (await Task.WhenAll(files.Select(f => File.ReadAllTextAsync(f)))).Select(Decode).ToList();
        all.Should().ContainSingle(t => t.Contains($"X-SafeMail-Verdict: approve; rule=approve-external; id={id}"), "the message itself went out once");
        all.Should().ContainSingle(t => t.Contains("【承認されました】") && t.Contains($"To: {Sender}"));
        var history = await HistoryAsync(id);
        history.Should().Contain(a => a.Action == AuditActions.ApprovalRequest && a.Detail!.Contains(Boss));
        history.Should().ContainSingle(a => a.Action == AuditActions.Approve && a.Actor == Boss);
    }

    [Test]
    public async Task A_rejection_needs_a_reason_never_sends_and_tells_the_sender_why()
    {
        _gateway = await TestGateway.StartAsync(ApproveExternal(Boss));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "価格表"), Sender, Customer));
        await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15)); // the request to the boss
        var approvals = _gateway.Get<ApprovalService>();

        (await approvals.RejectAsync(WaitingActor.Person(Boss), id, "  ")).Outcome.Should().Be(DecisionOutcome.ReasonRequired);
        (await GetAsync(id)).State.Should().Be(MessageState.AwaitingApproval);
        (await approvals.RejectAsync(WaitingActor.Person(Boss), id, "宛先の会社が違います")).Outcome.Should().Be(DecisionOutcome.Done);
        (await approvals.ApproveAsync(WaitingActor.Person(Boss), id)).Outcome.Should().Be(DecisionOutcome.AlreadyDeclined);

        var files = await _gateway.WaitForPickupAsync(2, TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var all = (await Task.WhenAll((await _gateway.WaitForPickupAsync(2, TimeSpan.Zero)).Select(f => File.ReadAllTextAsync(f)))).Select(Decode).ToList();
        all.Should().HaveCount(2, "the request and the rejection notice; never the message");
        all.Should().ContainSingle(t => t.Contains("【却下されました】") && t.Contains("宛先の会社が違います") && t.Contains($"To: {Sender}"));
        var record = await GetAsync(id);
        record.State.Should().Be(MessageState.Declined);
        record.DecisionNote.Should().Be("宛先の会社が違います");
        files.Should().HaveCount(2);
    }

    [Test]
    public async Task Mail_not_decided_in_time_is_declined_once_and_the_sender_is_told()
    {
        _gateway = await TestGateway.StartAsync(ApproveExternal(Boss));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "期限切れ"), Sender, Customer));
        await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15));
        await using (var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync())
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE messages SET expires_at = 0 WHERE state = 'awaiting-approval'";
            (await update.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var approvals = _gateway.Get<ApprovalService>();
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => approvals.ExpireDueAsync())));
        runs.Sum().Should().Be(1, "expired once, however many nodes sweep at once");
        (await approvals.ApproveAsync(WaitingActor.Person(Boss), id)).Outcome.Should().Be(DecisionOutcome.AlreadyDeclined);

        var files = await _gateway.WaitForPickupAsync(2, TimeSpan.FromSeconds(15));
        var all = (await Task.WhenAll(files.Select(f => File.ReadAllTextAsync(f)))).Select(Decode).ToList();
        all.Should().ContainSingle(t => t.Contains("【承認期限切れ】") && t.Contains($"To: {Sender}"));
        var record = await GetAsync(id);
        record.State.Should().Be(MessageState.Declined);
        record.DecidedBy.Should().Be(AuditLog.System);
        (await HistoryAsync(id)).Should().ContainSingle(a => a.Action == AuditActions.Decline && a.Detail == "expired");
    }

    [Test]
    public async Task Without_a_manager_in_any_directory_the_message_waits_for_an_admin_and_never_passes()
    {
        var settings = ApproveExternal("manager");
        settings["SafeMail:Waiting:AdminContacts:0"] = "admin@example.co.jp";
        _gateway = await TestGateway.StartAsync(settings);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "上長不明"), Sender, Customer));
        var record = await GetAsync(id);
        record.State.Should().Be(MessageState.AwaitingApproval);
        record.Approvers.Should().BeEmpty();
        (await HistoryAsync(id)).Should().Contain(a => a.Action == AuditActions.ApprovalRequest && a.Detail!.Contains("an admin decides"));
        var request = Decode(await File.ReadAllTextAsync((await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15))).Single()));
        request.Should().Contain("To: admin@example.co.jp", "with no approver found, the admins named in AdminContacts are asked").And.Contain("【承認依頼】");

        var approvals = _gateway.Get<ApprovalService>();
        (await approvals.ApproveAsync(WaitingActor.Person(Boss), id)).Outcome.Should().Be(DecisionOutcome.NotFound);
        (await approvals.ApproveAsync(new WaitingActor("operator1", null, IsOperator: true), id)).Outcome.Should().Be(DecisionOutcome.NotFound);
        var admin = new WaitingActor("admin1", null, IsOperator: true, IsAdmin: true);
        (await approvals.ListAsync(admin)).Select(m => m.Id).Should().Contain(id);
        (await approvals.ApproveAsync(admin, id)).Outcome.Should().Be(DecisionOutcome.Done);
        (await _gateway.WaitForPickupAsync(3, TimeSpan.FromSeconds(15))).Should().HaveCount(3, "the request to the admin, the message and the approved notice");
    }

    [Test]
    public async Task Two_approvers_deciding_at_the_same_moment_decide_once()
    {
        _gateway = await TestGateway.StartAsync(ApproveExternal(Boss, "deputy@example.co.jp"));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "同時承認"), Sender, Customer));
        var approvals = _gateway.Get<ApprovalService>();
        var results = await Task.WhenAll(
            Task.Run(() => approvals.ApproveAsync(WaitingActor.Person(Boss), id)),
            Task.Run(() => approvals.RejectAsync(WaitingActor.Person("deputy@example.co.jp"), id, "不要")));
        results.Count(r => r.Done).Should().Be(1);
        var record = await GetAsync(id);
        if (results[0].Done)
        {
            record.State.Should().BeOneOf([MessageState.Queued, MessageState.Delivered], "the approval won: the message goes out");
        }
        else
        {
            record.State.Should().Be(MessageState.Declined, "the rejection won: the message never goes out");
        }

        (await HistoryAsync(id)).Count(a => a.Action is AuditActions.Approve or AuditActions.Decline).Should().Be(1);
    }

    /// <summary>The headers (decoded) and the text of a delivered .eml, for assertions on what people read.</summary>
    private static string Decode(string raw)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
        var message = MimeKit.MimeMessage.Load(stream);
        return string.Join("\n", message.Headers.Select(h => $"{h.Field}: {h.Value}")) + "\n\n" + (message.TextBody ?? "");
    }

    private async Task<MessageRecord> GetAsync(string id) => (await _gateway.RecordAsync(id))!;

    private Task<IReadOnlyList<AuditEntry>> HistoryAsync(string id) => _gateway.HistoryAsync(id);
}
