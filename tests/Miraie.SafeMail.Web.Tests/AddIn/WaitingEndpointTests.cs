using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MimeKit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>
/// The pane's held mail and approvals: a sender sees and acts on their own held mail only (someone else's id is 404 and
/// nothing changes), cancel and send-now change the message's state, an approver sees what is theirs to decide and a
/// rejection needs a reason. Mail is held or awaits approval because the real gateway in the host decided so.
/// </summary>
[NonParallelizable]
public partial class WaitingEndpointTests
{
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
    {
        ["SafeMail:AddIn:DevelopmentMode"] = "true",
        ["SafeMail:Policy:Rules:0:Name"] = "approve-partner",
        ["SafeMail:Policy:Rules:0:Action"] = "Approve",
        ["SafeMail:Policy:Rules:0:Approvers:0"] = "boss@example.co.jp",
        ["SafeMail:Policy:Rules:0:When:RecipientDomains:0"] = "partner.example.com",
        ["SafeMail:Policy:Rules:1:Name"] = "hold-external",
        ["SafeMail:Policy:Rules:1:Action"] = "Hold",
        ["SafeMail:Policy:Rules:1:HoldFor"] = "01:00:00",
        ["SafeMail:Policy:Rules:1:When:Recipients"] = "AnyExternal",
        ["SafeMail:Policy:Rules:2:Name"] = "default-pass",
        ["SafeMail:Policy:Rules:2:Action"] = "Pass",
        ["SafeMail:Incidents:SecurityOffice:0"] = "security@example.co.jp",
    });

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task The_held_list_shows_only_the_callers_own_mail_with_external_recipients_marked_and_the_seconds_left()
    {
        var mine = await SendAsync("sato@example.co.jp", "御見積書送付の件", "buyer@customer.example.com", "suzuki@example.co.jp");
        var theirs = await SendAsync("ito@example.co.jp", "伊藤の見積", "buyer@customer.example.com");

        var list = await GetAsync("sato@example.co.jp", "/api/addin/held");
        var items = list.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("id").GetString()).Should().Equal(mine);
        var item = items[0];
        item.GetProperty("subject").GetString().Should().Be("御見積書送付の件");
        item.GetProperty("recipients").EnumerateArray().Select(r => (r.GetProperty("address").GetString(), r.GetProperty("external").GetBoolean()))
            .Should().Equal(("buyer@customer.example.com", true), ("suzuki@example.co.jp", false));
        var now = list.GetProperty("now").GetDateTimeOffset();
        var leavesAt = item.GetProperty("leavesAt").GetDateTimeOffset();
        leavesAt.Should().BeCloseTo(item.GetProperty("receivedAt").GetDateTimeOffset() + TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        item.GetProperty("secondsLeft").GetInt64().Should().Be((long)Math.Ceiling((leavesAt - now).TotalSeconds), "counted by the server's clock");
        item.GetProperty("leavesAtText").GetString().Should().EndWith(" JST");

        (await GetAsync("ito@example.co.jp", "/api/addin/held")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString())
            .Should().Equal(theirs);
        (await GetAsync("SATO@Example.co.jp", "/api/addin/held")).GetProperty("items").GetArrayLength().Should().Be(1, "addresses compare without case");
    }

    [Test]
    public async Task Cancel_stops_the_message_for_good_and_a_second_cancel_says_it_was_already_cancelled()
    {
        var id = await SendAsync("kato@example.co.jp", "取り消すメール", "buyer@customer.example.com");

        var (status, answer) = await PostAsync("kato@example.co.jp", $"/api/addin/held/{id}/cancel");
        status.Should().Be(HttpStatusCode.OK);
        answer.GetProperty("outcome").GetString().Should().Be("done");
        answer.GetProperty("ja").GetString().Should().Be("送信を取り消しました。このメールは送信されません。");
        answer.GetProperty("en").GetString().Should().Be("Cancelled. This message will not be sent.");
        var message = await MessageAsync(id);
        (message.State, message.DecidedBy).Should().Be((MessageState.Cancelled, "kato@example.co.jp"));
        (await GetAsync("kato@example.co.jp", "/api/addin/held")).GetProperty("items").GetArrayLength().Should().Be(0);

        (status, answer) = await PostAsync("kato@example.co.jp", $"/api/addin/held/{id}/send-now");
        status.Should().Be(HttpStatusCode.Conflict);
        answer.GetProperty("outcome").GetString().Should().Be("already-cancelled");
        (await MessageAsync(id)).State.Should().Be(MessageState.Cancelled, "cancel is final");
        (await _host.AuditAsync()).Should().Contain(("kato@example.co.jp", "cancel", ""));
    }

    [Test]
    public async Task Send_now_lifts_the_hold_and_the_message_is_delivered()
    {
        var id = await SendAsync("kimura@example.co.jp", "すぐ送るメール", "buyer@customer.example.com");
        var before = (await _host.WaitForPickupAsync(0)).Count;

        var (status, answer) = await PostAsync("kimura@example.co.jp", $"/api/addin/held/{id}/send-now");
        status.Should().Be(HttpStatusCode.OK);
        answer.GetProperty("outcome").GetString().Should().Be("done");
        answer.GetProperty("ja").GetString().Should().Be("送信保留を解除し、すぐに送信します。");
        var delivered = await _host.WaitForPickupAsync(before + 1);
        delivered.Select(f => Path.GetFileNameWithoutExtension(f)).Should().Contain(id);
        for (var i = 0; i < 200 && (await MessageAsync(id)).State != MessageState.Delivered; i++)
        {
            await Task.Delay(50); // the pickup file is written before the state is recorded
        }

        (await MessageAsync(id)).State.Should().Be(MessageState.Delivered);
    }

    [Test]
    public async Task Another_senders_id_is_404_as_an_unknown_one_and_nothing_changes()
    {
        var id = await SendAsync("yamada@example.co.jp", "山田のメール", "buyer@customer.example.com");
        foreach (var action in new[] { "cancel", "send-now" })
        {
            var (status, answer) = await PostAsync("sato@example.co.jp", $"/api/addin/held/{id}/{action}");
            status.Should().Be(HttpStatusCode.NotFound, action);
            answer.GetProperty("outcome").GetString().Should().Be("not-found");
            answer.GetProperty("ja").GetString().Should().Be("該当するメールが見つかりません。");
        }

        var (unknown, _) = await PostAsync("sato@example.co.jp", "/api/addin/held/0000000000000000/cancel");
        unknown.Should().Be(HttpStatusCode.NotFound);
        (await MessageAsync(id)).State.Should().Be(MessageState.Held);
        (await _host.AuditAsync()).Should().Contain(("sato@example.co.jp", "decision-refused", "cancel: NotFound"), "refusals are audited");
    }

    [Test]
    public async Task Without_a_sender_nothing_is_listed_or_changed()
    {
        var id = await SendAsync("mori@example.co.jp", "森のメール", "buyer@customer.example.com");
        using var client = _host.Client();
        (await client.GetAsync("/api/addin/held")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.PostAsync($"/api/addin/held/{id}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/api/addin/approvals")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await MessageAsync(id)).State.Should().Be(MessageState.Held);
    }

    [Test]
    public async Task The_approver_sees_what_is_theirs_to_decide_the_sender_sees_it_waiting_and_a_rejection_needs_a_reason()
    {
        var id = await SendAsync("hayashi@example.co.jp", "提携先への提案書", "ceo@partner.example.com");
        (await MessageAsync(id)).State.Should().Be(MessageState.AwaitingApproval);

        var boss = await GetAsync("boss@example.co.jp", "/api/addin/approvals");
        var toDecide = boss.GetProperty("toDecide").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);
        toDecide.GetProperty("from").GetString().Should().Be("hayashi@example.co.jp");
        toDecide.GetProperty("recipients")[0].GetProperty("external").GetBoolean().Should().BeTrue();
        toDecide.GetProperty("secondsLeft").GetInt64().Should().BeGreaterThan(0);
        var sender = await GetAsync("hayashi@example.co.jp", "/api/addin/approvals");
        sender.GetProperty("toDecide").GetArrayLength().Should().Be(0, "a sender never approves their own mail");
        sender.GetProperty("sent").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Equal(id);
        (await GetAsync("sato@example.co.jp", "/api/addin/approvals")).GetProperty("toDecide").GetArrayLength().Should().Be(0);

        var detail = await GetAsync("boss@example.co.jp", $"/api/addin/approvals/{id}");
        detail.GetProperty("body").GetString().Should().Contain("<b>太字ではありません</b>", "the body as text, markup and all");
        detail.GetProperty("mayDecide").GetBoolean().Should().BeTrue();
        (await GetStatusAsync("sato@example.co.jp", $"/api/addin/approvals/{id}")).Should().Be(HttpStatusCode.NotFound);

        var (status, answer) = await PostAsync("boss@example.co.jp", $"/api/addin/approvals/{id}/reject", new { reason = "  " });
        status.Should().Be(HttpStatusCode.BadRequest);
        answer.GetProperty("outcome").GetString().Should().Be("reason-required");
        answer.GetProperty("ja").GetString().Should().Be("却下の理由を入力してください。");
        (await MessageAsync(id)).State.Should().Be(MessageState.AwaitingApproval);

        (status, _) = await PostAsync("hayashi@example.co.jp", $"/api/addin/approvals/{id}/approve");
        status.Should().Be(HttpStatusCode.Forbidden, "the sender may see it but not approve it");
        (status, _) = await PostAsync("sato@example.co.jp", $"/api/addin/approvals/{id}/approve");
        status.Should().Be(HttpStatusCode.NotFound);
        (await MessageAsync(id)).State.Should().Be(MessageState.AwaitingApproval);

        (status, answer) = await PostAsync("boss@example.co.jp", $"/api/addin/approvals/{id}/reject", new { reason = "提携の契約前です" });
        status.Should().Be(HttpStatusCode.OK);
        answer.GetProperty("en").GetString().Should().Be("Rejected. The message will not be sent; the sender is told.");
        var rejected = await MessageAsync(id);
        (rejected.State, rejected.DecidedBy, rejected.DecisionNote).Should().Be((MessageState.Declined, "boss@example.co.jp", "提携の契約前です"));
    }

    [Test]
    public async Task The_approver_approves_and_the_message_goes_out()
    {
        var id = await SendAsync("hayashi@example.co.jp", "提携先への見積", "buyer@partner.example.com");
        var (status, answer) = await PostAsync("Boss@Example.co.jp", $"/api/addin/approvals/{id}/approve");
        status.Should().Be(HttpStatusCode.OK);
        answer.GetProperty("outcome").GetString().Should().Be("done");
        (await MessageAsync(id)).State.Should().BeOneOf(MessageState.Queued, MessageState.Delivered);

        (status, answer) = await PostAsync("boss@example.co.jp", $"/api/addin/approvals/{id}/reject", new { reason = "遅れて却下" });
        status.Should().Be(HttpStatusCode.Conflict);
        answer.GetProperty("outcome").GetString().Should().Be("already-sent");
    }

    private async Task<string> SendAsync(string from, string subject, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "御見積書をお送りします。\n<b>太字ではありません</b>" };
        return await Mail.SendFromAsync(_host.Smtp, message, from, to);
    }

    private async Task<MessageRecord> MessageAsync(string id)
    {
        await using var connection = await _host.Database.OpenAsync();
        return (await MessageTable.GetAsync(connection, id))!;
    }

    private static HttpRequestMessage Request(HttpMethod method, string sender, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-SafeMail-Dev-User", sender);
        return request;
    }

    private async Task<JsonElement> GetAsync(string sender, string path)
    {
        using var client = _host.Client();
        using var response = await client.SendAsync(Request(HttpMethod.Get, sender, path));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<HttpStatusCode> GetStatusAsync(string sender, string path)
    {
        using var client = _host.Client();
        using var response = await client.SendAsync(Request(HttpMethod.Get, sender, path));
        return response.StatusCode;
    }

    private async Task<(HttpStatusCode Status, JsonElement Answer)> PostAsync(string sender, string path, object? body = null)
    {
        using var client = _host.Client();
        using var request = Request(HttpMethod.Post, sender, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }
}
