using System.Text;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>Delivery to a real SMTP server (the capturing upstream): byte identity, retries, per-recipient results, DSNs, reuse.</summary>
public class SmarthostDeliveryTests
{
    private CapturingSmtpServer _upstream = null!;
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _upstream = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions { StartTls = true });
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = _upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "Required",
            ["SafeMail:Delivery:Smarthost:PinnedCertificateSha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(_upstream.Certificate!.RawData)),
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task<string> SendAsync(string subject, string from, string[] to, byte[]? attachment = null, string name = "見積書.zip") =>
        Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, TestMessages.Mail(from, to, subject, attachment, name), from, to));

    private async Task<MessageRecord> RecordAsync(string id)
    {
        await using var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync();
        return (await MessageTable.GetAsync(connection, id))!;
    }

    [Test]
    public async Task Mail_is_relayed_over_starttls_with_the_envelope_unchanged_and_the_original_bytes_intact()
    {
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書（パスワード付き）", TestMessages.AesZip, "見積書.zip");
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(_gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com", "suzuki@example.co.jp"));

        var received = (await _upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)))[0];
        received.IsSecure.Should().BeTrue("TLS is required towards the smarthost");
        received.From.Should().Be("tanaka@example.co.jp");
        received.Recipients.Should().Equal("buyer@customer.example.com", "suzuki@example.co.jp");
        var original = TestMessages.Bytes(message);
        var data = received.Data.ToArray();
        data.AsSpan(data.Length - original.Length).SequenceEqual(original).Should().BeTrue("only headers are added in front");
        var added = Encoding.ASCII.GetString(data, 0, data.Length - original.Length);
        added.Should().StartWith("Received: from client.test ([127.0.0.1])").And.EndWith($"X-SafeMail-Verdict: pass; rule=default-pass; id={id}\r\n");
        (await WaitForStateAsync(id, MessageState.Delivered)).Recipients.Should().OnlyContain(r => r.State == RecipientState.Delivered);
    }

    [Test]
    public async Task Upstream_down_queues_the_mail_which_is_delivered_when_it_returns()
    {
        await _upstream.StopAsync();
        var id = await SendAsync("待機", "tanaka@example.co.jp", ["suzuki@example.co.jp"]);
        var deferred = await WaitAsync(id, m => m.Attempts >= 1);
        deferred.State.Should().Be(MessageState.Queued);
        deferred.LastError.Should().StartWith("451 4.4.1");

        await _upstream.RestartAsync();
        (await _upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))).Should().ContainSingle();
        (await WaitForStateAsync(id, MessageState.Delivered)).Attempts.Should().BeGreaterThan(1);
    }

    [Test]
    public async Task A_permanent_refusal_returns_a_delivery_status_notification_to_the_sender_while_other_recipients_get_the_mail()
    {
        _upstream.SetRecipientReply("nobody@customer.example.com", "550 5.1.1 <nobody@customer.example.com>: user unknown");
        var id = await SendAsync("見積書", "tanaka@example.co.jp", ["nobody@customer.example.com", "buyer@customer.example.com"], TestMessages.AesZip);

        var original = await WaitForStateAsync(id, MessageState.Delivered);
        original.Recipients.Single(r => r.Address == "nobody@customer.example.com").State.Should().Be(RecipientState.Failed);
        original.Recipients.Single(r => r.Address == "buyer@customer.example.com").State.Should().Be(RecipientState.Delivered);

        var messages = await _upstream.WaitForMessagesAsync(2, TimeSpan.FromSeconds(30));
        messages[0].Recipients.Should().Equal("buyer@customer.example.com");
        var dsn = messages.Single(m => m.From.Length == 0);
        dsn.Recipients.Should().Equal("tanaka@example.co.jp");
        dsn.Text.Should().Contain("multipart/report").And.Contain("report-type=delivery-status")
            .And.Contain("Final-Recipient: rfc822; nobody@customer.example.com").And.Contain("Status: 5.1.1")
            .And.Contain("Diagnostic-Code: smtp; 550 5.1.1");
        dsn.Text.Should().NotContain(Convert.ToBase64String(TestMessages.AesZip)[..40], "the report never carries the attachment");
    }

    [Test]
    public async Task Several_messages_share_one_reused_connection()
    {
        for (var i = 0; i < 5; i++)
        {
            await SendAsync($"連絡 {i}", "tanaka@example.co.jp", ["suzuki@example.co.jp"]);
            await _upstream.WaitForMessagesAsync(i + 1, TimeSpan.FromSeconds(30));
        }

        _upstream.TransactionsPerConnection.Max().Should().BeGreaterThan(1, "connections are reused across messages");
        _upstream.ConnectionCount.Should().BeLessThan(5);
    }

    [Test]
    public async Task A_stopped_gateway_resumes_its_queue_when_started_again()
    {
        await _upstream.StopAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SendAsync($"再起動 {i}", "tanaka@example.co.jp", ["suzuki@example.co.jp"]));
        }

        foreach (var id in ids)
        {
            (await WaitAsync(id, m => m.Attempts >= 1)).State.Should().Be(MessageState.Queued);
        }

        var data = _gateway.DataDirectory;
        await _gateway.StopAsync();
        await _upstream.RestartAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = _upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "Required",
            ["SafeMail:Delivery:Smarthost:PinnedCertificateSha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(_upstream.Certificate!.RawData)),
        }, data);

        (await _upstream.WaitForMessagesAsync(3, TimeSpan.FromSeconds(30))).Should().HaveCount(3);
        foreach (var id in ids)
        {
            (await WaitForStateAsync(id, MessageState.Delivered)).State.Should().Be(MessageState.Delivered);
        }
    }

    [Test]
    public async Task A_recipient_deferred_past_the_lifetime_is_given_up_with_a_4_4_7_report()
    {
        await _gateway.DisposeAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = _upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "Opportunistic",
            ["SafeMail:Delivery:Smarthost:PinnedCertificateSha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(_upstream.Certificate!.RawData)),
            ["SafeMail:Delivery:MaxLifetime"] = "00:00:03",
        });
        _upstream.SetRecipientReply("busy@customer.example.com", "451 4.2.1 mailbox busy, try later");
        var id = await SendAsync("見積", "tanaka@example.co.jp", ["busy@customer.example.com"], TestMessages.AesZip);

        var failed = await WaitForStateAsync(id, MessageState.Failed);
        failed.State.Should().Be(MessageState.Failed);
        failed.Attempts.Should().BeGreaterThan(1, "it was retried before giving up");
        var report = (await _upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))).Single(m => m.From.Length == 0);
        report.Recipients.Should().Equal("tanaka@example.co.jp");
        report.Text.Should().Contain("Status: 4.4.7").And.Contain("Action: failed");
    }

    private Task<MessageRecord> WaitForStateAsync(string id, string state) => WaitAsync(id, m => m.State == state);

    private async Task<MessageRecord> WaitAsync(string id, Func<MessageRecord, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var record = await RecordAsync(id);
            if (condition(record) || DateTime.UtcNow > deadline)
            {
                return record;
            }

            await Task.Delay(100);
        }
    }
}
