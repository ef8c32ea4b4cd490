using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>The report read by a second, independent parser: Python's standard email package.</summary>
public class DeliveryStatusNotificationPythonTests
{
    private const string Script = """
        import email, json, sys
        from email import policy
        with open(sys.argv[1], 'rb') as f:
            msg = email.message_from_binary_file(f, policy=policy.default)
        parts = list(msg.iter_parts())
        status = parts[1]
        groups = status.get_payload()
        print(json.dumps({
            'type': msg.get_content_type(),
            'report_type': msg.get_param('report-type'),
            'subject': str(msg['subject']),
            'auto_submitted': str(msg['auto-submitted']),
            'defects': [type(d).__name__ for p in msg.walk() for d in p.defects] + [type(d).__name__ for d in msg.defects],
            'parts': [p.get_content_type() for p in parts],
            'status_is_multipart': status.is_multipart(),
            'groups': [{k: str(v) for k, v in g.items()} for g in groups],
            'text': parts[0].get_content(),
            'returned': parts[2].get_payload(decode=True).decode('utf-8'),
        }))
        """;

    [Test]
    public void Python_reads_a_multipart_report_with_a_delivery_status_of_one_group_per_recipient()
    {
        var dsn = new DeliveryStatusNotification(
            new GatewayOptions { ServerName = "gw1.example.co.jp" }, new QuarantineOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 5, 5, 0, TimeSpan.Zero)));
        var message = dsn.Create(new UndeliveredMessage
        {
            QueueId = "Q20261127-0042",
            ArrivalDate = new DateTimeOffset(2026, 11, 27, 5, 0, 0, TimeSpan.Zero),
            EnvelopeSender = "tanaka@example.co.jp",
            EnvelopeId = "QQ314159",
            OriginalMessage = OriginalMessages.WithAttachment(),
            Recipients =
            [
                DsnRecipient.Rejected("buyer@customer.example.com", 550, "5.1.1 user unknown", "mx1.customer.example.com", DateTimeOffset.UnixEpoch),
                DsnRecipient.Expired("sales@slow.example.net", lastAttempt: null),
            ],
        })!;

        var python = Python.Run(Script, Wire.Bytes(message));

        python.GetProperty("type").GetString().Should().Be("multipart/report");
        python.GetProperty("report_type").GetString().Should().Be("delivery-status");
        python.GetProperty("subject").GetString().Should().Be("配送エラー通知 / Undelivered Mail Returned to Sender");
        python.GetProperty("auto_submitted").GetString().Should().Be("auto-replied");
        python.GetProperty("defects").EnumerateArray().Should().BeEmpty();
        python.GetProperty("parts").EnumerateArray().Select(p => p.GetString()).Should()
            .Equal("text/plain", "message/delivery-status", "text/rfc822-headers");

        python.GetProperty("status_is_multipart").GetBoolean().Should().BeTrue("Python splits message/delivery-status into its field groups");
        var groups = python.GetProperty("groups").EnumerateArray().ToList();
        groups.Should().HaveCount(3);
        Field(groups[0], "Reporting-MTA").Should().Be("dns; gw1.example.co.jp");
        Field(groups[0], "Original-Envelope-Id").Should().Be("QQ314159");
        Field(groups[0], "Arrival-Date").Should().Be("Fri, 27 Nov 2026 14:00:00 +0900");
        Field(groups[1], "Final-Recipient").Should().Be("rfc822; buyer@customer.example.com");
        Field(groups[1], "Action").Should().Be("failed");
        Field(groups[1], "Status").Should().Be("5.1.1");
        Field(groups[1], "Diagnostic-Code").Should().Be("smtp; 550 5.1.1 user unknown");
        Field(groups[2], "Final-Recipient").Should().Be("rfc822; sales@slow.example.net");
        Field(groups[2], "Status").Should().Be("4.4.7");

        python.GetProperty("text").GetString().Should().Contain($"件名「{OriginalMessages.Subject}」のメールを次の宛先に配送できませんでした。")
            .And.Contain("Undelivered Mail Returned to Sender");
        python.GetProperty("returned").GetString().Should().Contain("Message-Id: <20261127050000.A1B2C3@example.co.jp>")
            .And.NotContain(OriginalMessages.BodyMarker);
    }

    private static string? Field(JsonElement group, string name) =>
        group.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value.GetString()).SingleOrDefault();
}
