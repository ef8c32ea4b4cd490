using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>
/// 送信保留 through real SMTP: external mail is held for a few seconds, leaves at its time and not before, and its sender
/// (or an operator) can cancel it or send it now — each exactly once, audited, and only on their own mail.
/// </summary>
public class HoldTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    private TestGateway _gateway = null!;

    internal static Dictionary<string, string?> HoldExternal(string holdFor) => new()
    {
        ["SafeMail:Policy:Rules:0:Name"] = "hold-external",
        ["SafeMail:Policy:Rules:0:Action"] = "Hold",
        ["SafeMail:Policy:Rules:0:HoldFor"] = holdFor,
        ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
        ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
        ["SafeMail:Policy:Rules:1:Action"] = "Pass",
    };

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_held_message_leaves_at_its_time_and_not_before()
    {
        _gateway = await TestGateway.StartAsync(HoldExternal("00:00:04"));
        var reply = await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "見積書の件"), Sender, Customer);
        reply.Should().Contain("held");
        var id = Mailer.QueueIdOf(reply);
        var record = await GetAsync(id);
        record.State.Should().Be(MessageState.Held);
        record.NextAttemptAt.Should().BeCloseTo(record.ReceivedAt.AddSeconds(4), TimeSpan.FromMilliseconds(50));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Directory.Exists(_gateway.PickupDirectory).Should().BeTrue();
        Directory.GetFiles(_gateway.PickupDirectory).Should().BeEmpty("the hold has not run out yet");
        (await GetAsync(id)).State.Should().Be(MessageState.Held);

        var files = await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15));
        files.Should().ContainSingle();
        var delivered = await GetAsync(id);
        for (var i = 0; i < 100 && delivered.State != MessageState.Delivered; i++)
        {
            await Task.Delay(100); // the pickup file is written before the delivery is recorded
            delivered = await GetAsync(id);
        }

        delivered.State.Should().Be(MessageState.Delivered);
        delivered.FinishedAt.Should().BeOnOrAfter(record.NextAttemptAt!.Value, "never early");
        (await File.ReadAllTextAsync(files[0])).Should().Contain($"X-SafeMail-Verdict: hold; rule=hold-external; id={id}");
        (await HistoryAsync(id)).Should().Contain(a => a.Action == AuditActions.Hold);
    }

    [Test]
    public async Task Internal_mail_is_not_held()
    {
        _gateway = await TestGateway.StartAsync(HoldExternal("00:10:00"));
        var reply = await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, ["suzuki@example.co.jp"], "社内連絡"), Sender, "suzuki@example.co.jp");
        reply.Should().NotContain("held");
        (await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15))).Should().ContainSingle();
    }

    [Test]
    public async Task The_sender_cancels_a_held_message_and_it_is_never_sent()
    {
        _gateway = await TestGateway.StartAsync(HoldExternal("00:00:03"));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "誤送信"), Sender, Customer));
        var held = _gateway.Get<HeldMailService>();

        (await held.ListAsync(WaitingActor.Person("TANAKA@example.co.jp"))).Select(m => m.Id).Should().Equal(id);
        (await held.ListAsync(WaitingActor.Person("sato@example.co.jp"))).Should().BeEmpty("another sender sees nothing of it");

        var stranger = await held.CancelAsync(WaitingActor.Person("sato@example.co.jp"), id);
        stranger.Outcome.Should().Be(DecisionOutcome.NotFound, "another sender's id is answered as unknown");
        var cancelled = await held.CancelAsync(WaitingActor.Person("Tanaka@Example.co.jp"), id);
        cancelled.Outcome.Should().Be(DecisionOutcome.Done);
        cancelled.Text(DecisionTexts.Cancel).Ja.Should().Contain("取り消しました");
        (await held.CancelAsync(WaitingActor.Person(Sender), id)).Outcome.Should().Be(DecisionOutcome.AlreadyCancelled);
        (await held.SendNowAsync(WaitingActor.Person(Sender), id)).Outcome.Should().Be(DecisionOutcome.AlreadyCancelled);

        await Task.Delay(TimeSpan.FromSeconds(5));
        Directory.GetFiles(_gateway.PickupDirectory).Should().BeEmpty("a cancelled message is never sent");
        var record = await GetAsync(id);
        record.State.Should().Be(MessageState.Cancelled);
        record.DecidedBy.Should().Be(Sender);
        var history = await HistoryAsync(id);
        history.Should().ContainSingle(a => a.Action == AuditActions.Cancel && a.Actor == Sender);
        history.Where(a => a.Action == AuditActions.DecisionRefused).Select(a => a.Actor).Should().BeEquivalentTo(["sato@example.co.jp", Sender, Sender]);
    }

    [Test]
    public async Task Send_now_ends_the_hold_at_once_and_an_operator_may_do_it_for_anyone()
    {
        _gateway = await TestGateway.StartAsync(HoldExternal("01:00:00"));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], "至急"), Sender, Customer));
        var held = _gateway.Get<HeldMailService>();
        (await held.SendNowAsync(WaitingActor.Person("sato@example.co.jp"), id)).Outcome.Should().Be(DecisionOutcome.NotFound);
        var operatorActor = new WaitingActor("operator1", null, IsOperator: true);
        (await held.ListAsync(operatorActor)).Select(m => m.Id).Should().Contain(id);
        (await held.SendNowAsync(operatorActor, id)).Outcome.Should().Be(DecisionOutcome.Done);

        (await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15))).Should().ContainSingle();
        (await held.CancelAsync(WaitingActor.Person(Sender), id)).Outcome.Should().Be(DecisionOutcome.AlreadySent);
        (await GetAsync(id)).DecidedBy.Should().Be("operator1");
    }

    [Test]
    public async Task A_cancel_racing_the_clock_either_stops_the_message_or_says_it_left_never_both()
    {
        // Every message's time is moved to now, then the clock (ReleaseDueAsync, as each node's delivery poll runs it — the
        // gateway's own poll runs too) and the sender's cancels go at the same moment, from several tasks.
        _gateway = await TestGateway.StartAsync(HoldExternal("01:00:00"));
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], $"race {i}"), Sender, Customer)));
        }

        await using (var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync())
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE messages SET next_attempt_at = 0 WHERE state = 'held'";
            (await update.ExecuteNonQueryAsync()).Should().Be(40);
        }

        var held = _gateway.Get<HeldMailService>();
        var clock = Task.Run(async () =>
        {
            var moved = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                moved.AddRange(await held.ReleaseDueAsync(1));
            }

            return moved;
        });
        var cancels = ids.Select(id => Task.Run(() => held.CancelAsync(WaitingActor.Person(Sender), id))).ToList();
        var results = await Task.WhenAll(cancels);
        var moved = await clock;
        moved.AddRange(await held.ReleaseDueAsync(100));
        moved.Should().OnlyHaveUniqueItems("a message joins the queue once");

        var cancelled = results.Where(r => r.Done).Select(r => r.Id).ToHashSet();
        foreach (var result in results)
        {
            result.Outcome.Should().BeOneOf(DecisionOutcome.Done, DecisionOutcome.AlreadySent);
            var record = await GetAsync(result.Id);
            if (result.Done)
            {
                record.State.Should().Be(MessageState.Cancelled);
                moved.Should().NotContain(result.Id, "a cancelled message never joins the queue");
            }
            else
            {
                record.State.Should().BeOneOf([MessageState.Queued, MessageState.Delivered], "a cancel that lost was told the message left, and it did");
            }
        }

        // What left is delivered; nothing cancelled ever is.
        var delivered = await _gateway.WaitForPickupAsync(40 - cancelled.Count, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var texts = await Task.WhenAll((await _gateway.WaitForPickupAsync(40, TimeSpan.Zero)).Select(f => File.ReadAllTextAsync(f)));
        texts.Should().HaveCount(40 - cancelled.Count);
        texts.Should().NotContain(t => cancelled.Any(id => t.Contains($"id={id}", StringComparison.Ordinal)));
        TestContext.Out.WriteLine($"cancelled {cancelled.Count}, left {40 - cancelled.Count} (the test's clock moved {moved.Count}), delivered {delivered.Count}");
    }

    [Test]
    [Category("PostgreSql")]
    public async Task Held_mail_keeps_no_copy_in_memory_for_delivery_while_it_waits()
    {
        Assert.That(TestDatabase.IsPostgreSql, "only the PostgreSQL store keeps copies for delivery: run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does)");
        _gateway = await TestGateway.StartAsync(HoldExternal("01:00:00"));
        var recent = _gateway.Get<RecentBytes>();
        for (var i = 0; i < 5; i++)
        {
            (await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, [Customer], $"保留 {i}"), Sender, Customer)).Should().Contain("held");
        }

        recent.Held.Should().Be(0, "held mail is not delivered now: a copy would only crowd out those delivery can use");
        await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(Sender, ["suzuki@example.co.jp"], "社内"), Sender, "suzuki@example.co.jp");
        await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(15));
        recent.Held.Should().Be(0, "the copy of passed mail is taken by its delivery");
    }

    [TestCase("Hold")]
    [TestCase("Approve")]
    [TestCase("ConvertToBcc")]
    public async Task Mail_that_cannot_be_read_is_quarantined_not_held_approved_or_converted(string action)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "everything",
            ["SafeMail:Policy:Rules:0:Action"] = action,
        };
        if (action == "Hold")
        {
            settings["SafeMail:Policy:Rules:0:HoldFor"] = "00:00:01";
        }
        else if (action == "Approve")
        {
            settings["SafeMail:Policy:Rules:0:Approvers:0"] = "boss@example.co.jp";
        }

        _gateway = await TestGateway.StartAsync(settings);
        var reply = await RawMail.SendAsync(_gateway.Smtp, "Content-Type: multipart/mixed\r\n\r\nno boundary at all\r\n"u8.ToArray(), Sender, Customer);
        reply.Code.Should().Be(250);
        var record = await GetAsync(Mailer.QueueIdOf(reply.Text));
        record.State.Should().Be(MessageState.Quarantined, "fail closed: a message that could not be fully read never leaves by a rule");
        record.Rule.Should().Be("inspection-failed");
    }

    private async Task<MessageRecord> GetAsync(string id) => (await _gateway.RecordAsync(id))!;

    private Task<IReadOnlyList<AuditEntry>> HistoryAsync(string id) => _gateway.HistoryAsync(id);
}
