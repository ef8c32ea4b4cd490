using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Utils;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

public class DeliveryStatusNotificationTests
{
    private const string Sender = "tanaka@example.co.jp";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 5, 5, 0, TimeSpan.Zero); // 14:05 JST
    private static readonly DateTimeOffset Arrival = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero); // 14:00 JST
    private static readonly DateTimeOffset LastAttempt = new(2026, 11, 27, 5, 4, 30, TimeSpan.Zero);

    private static readonly GatewayOptions Gateway = new() { ServerName = "gw1.example.co.jp" };
    private static readonly QuarantineOptions Notices = new() { OperatorContact = "情報システム部 内線 1234 / it-help@example.co.jp" };

    private static readonly Regex StatusSyntax = new(@"^[245]\.\d{1,3}\.\d{1,3}$");

    private readonly DeliveryStatusNotification _dsn = new(Gateway, Notices, new FakeTimeProvider(Now));

    private static DsnRecipient UnknownUser => DsnRecipient.Rejected(
        "buyer@customer.example.com", 550, "5.1.1 <buyer@customer.example.com>: Recipient address rejected: User unknown", "mx1.customer.example.com", LastAttempt);

    private static DsnRecipient TimedOut => DsnRecipient.Expired(
        "sales@slow.example.net", LastAttempt, "mx.slow.example.net", "451 4.3.0 Temporary lookup failure");

    private static UndeliveredMessage Undelivered(params DsnRecipient[] recipients) => new()
    {
        QueueId = "Q20261127-0042",
        ArrivalDate = Arrival,
        EnvelopeSender = Sender,
        OriginalMessage = OriginalMessages.WithAttachment(),
        Recipients = recipients.Length > 0 ? recipients : [UnknownUser],
    };

    private MimeMessage Report(UndeliveredMessage message) =>
        Wire.RoundTrip(_dsn.Create(message) ?? throw new AssertionException("no report was made"));

    private static MultipartReport Body(MimeMessage report) => report.Body.Should().BeOfType<MultipartReport>().Subject;

    private static HeaderListCollection Groups(MimeMessage report) => ((MessageDeliveryStatus)Body(report)[1]).StatusGroups;

    [Test]
    public void Report_is_a_multipart_report_of_explanation_status_and_headers_in_that_order()
    {
        var report = Report(Undelivered());

        Body(report).ContentType.MimeType.Should().Be("multipart/report");
        Body(report).ContentType.Parameters["report-type"].Should().Be("delivery-status");
        Body(report).Select(p => p.ContentType.MimeType).Should().Equal("text/plain", "message/delivery-status", "text/rfc822-headers");
        Body(report)[0].ContentType.Charset.Should().Be("utf-8");
        Body(report)[1].Should().BeOfType<MessageDeliveryStatus>();
    }

    [Test]
    public void Per_message_fields_name_the_gateway_the_arrival_and_the_queue_id()
    {
        var perMessage = Groups(Report(Undelivered()))[0];

        perMessage["Reporting-MTA"].Should().Be("dns; gw1.example.co.jp");
        DateUtils.TryParse(perMessage["Arrival-Date"], out var arrival).Should().BeTrue();
        arrival.Should().Be(Arrival);
        arrival.Offset.Should().Be(TimeSpan.FromHours(9), "dates are written in the display zone");
        perMessage["X-SafeMail-Queue-ID"].Should().Be("Q20261127-0042");
        perMessage.Contains("Original-Envelope-Id").Should().BeFalse("no ENVID was given");
        perMessage.Contains("Final-Recipient").Should().BeFalse("per-recipient fields belong to their own groups");
    }

    [TestCase("QQ314159")]
    [TestCase("job+42=ok")]
    public void Original_envelope_id_is_reported_decoded_as_given(string envelopeId)
    {
        var perMessage = Groups(Report(Undelivered() with { EnvelopeId = envelopeId }))[0];

        perMessage["Original-Envelope-Id"].Should().Be(envelopeId, "RFC 3461 §6.3 a: the decoded ENVID, not xtext again");
        perMessage.First().Field.Should().Be("Original-Envelope-Id", "RFC 3464 §2.2 puts it first");
    }

    [Test]
    public void Each_recipient_gets_its_own_group_with_action_failed_and_an_rfc3463_status()
    {
        var groups = Groups(Report(Undelivered(UnknownUser, TimedOut)));

        groups.Should().HaveCount(3, "one per-message group and one group per recipient");
        var rejected = groups[1];
        rejected["Final-Recipient"].Should().Be("rfc822; buyer@customer.example.com");
        rejected["Action"].Should().Be("failed");
        rejected["Status"].Should().MatchRegex(StatusSyntax.ToString()).And.Be("5.1.1");
        rejected["Remote-MTA"].Should().Be("dns; mx1.customer.example.com");
        rejected["Diagnostic-Code"].Should().Be("smtp; 550 5.1.1 <buyer@customer.example.com>: Recipient address rejected: User unknown");
        DateUtils.TryParse(rejected["Last-Attempt-Date"], out var last).Should().BeTrue();
        last.Should().Be(LastAttempt);
        rejected.Select(h => h.Field).Should().Equal("Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code", "Last-Attempt-Date");

        var expired = groups[2];
        expired["Final-Recipient"].Should().Be("rfc822; sales@slow.example.net");
        expired["Action"].Should().Be("failed");
        expired["Status"].Should().Be("4.4.7");
        expired["Diagnostic-Code"].Should().Be("smtp; 451 4.3.0 Temporary lookup failure");
    }

    [Test]
    public void A_recipient_never_reached_has_no_remote_mta_or_diagnostic()
    {
        var group = Groups(Report(Undelivered(DsnRecipient.Expired("sales@down.example.net", lastAttempt: null))))[1];

        group["Status"].Should().Be("4.4.7");
        group.Contains("Remote-MTA").Should().BeFalse();
        group.Contains("Diagnostic-Code").Should().BeFalse();
        group.Contains("Last-Attempt-Date").Should().BeFalse();
    }

    [Test]
    public void Returned_headers_hold_the_original_subject_and_never_its_body_or_attachment()
    {
        var original = OriginalMessages.WithAttachment();
        var bytes = Wire.Bytes(_dsn.Create(Undelivered() with { OriginalMessage = original })!);
        var report = Wire.Parse(bytes);

        var returned = Body(report)[2].Should().BeOfType<TextRfc822Headers>("plain ASCII headers are sent 7bit").Subject;
        returned.Message.Should().NotBeNull();
        returned.Message!.Subject.Should().Be(OriginalMessages.Subject);
        returned.Message.MessageId.Should().Be(OriginalMessages.MessageId);
        var raw = Encoding.ASCII.GetString(bytes);
        raw.Should().Contain("\r\nContent-Type: multipart/mixed; boundary=", "every header field is returned, MIME ones included");
        var decoded = Wire.AllDecodedContent(report);
        foreach (var leak in new[] { OriginalMessages.BodyMarker, OriginalMessages.AttachmentMarker, "%PDF", "見積書.pdf" }
                     .Concat(OriginalMessages.AttachmentBase64Lines(original)))
        {
            raw.Should().NotContain(leak);
            decoded.Should().NotContain(leak);
        }
    }

    [Test]
    public void Explanation_reads_in_Japanese_then_English_naming_subject_recipients_and_reasons()
    {
        var text = ((TextPart)Body(Report(Undelivered(UnknownUser, TimedOut)))[0]).Text;

        text.Should().Contain("配送エラー通知");
        text.Should().Contain($"件名「{OriginalMessages.Subject}」のメールを次の宛先に配送できませんでした。");
        text.Should().Contain("宛先: buyer@customer.example.com");
        text.Should().Contain("理由: 宛先のメールアドレスが存在しません。");
        text.Should().Contain("配送先サーバーの応答: 550 5.1.1 <buyer@customer.example.com>: Recipient address rejected: User unknown");
        text.Should().Contain("理由: 一時的なエラーが続いたため、再送の期限までに配送できませんでした。");
        text.Should().Contain("最終配送試行: 2026/11/27 14:04 (JST)");
        text.Should().Contain("受付日時: 2026/11/27 14:00 (JST)");
        text.Should().Contain("配送キューID: Q20261127-0042");
        text.Should().Contain("運用担当者（情報システム部 内線 1234 / it-help@example.co.jp）");

        text.Should().Contain("Undelivered Mail Returned to Sender");
        text.Should().Contain($"Your message with the subject \"{OriginalMessages.Subject}\" could not be delivered to the following recipients.");
        text.Should().Contain("Reason: The recipient's address does not exist.");
        text.Should().Contain("Reason: Temporary errors went on until the time allowed for retries ran out.");
        text.Should().Contain("Received: 2026/11/27 14:00 (JST)");

        text.IndexOf("配送エラー通知", StringComparison.Ordinal).Should()
            .BeLessThan(text.IndexOf("Undelivered Mail Returned to Sender", StringComparison.Ordinal), "Japanese comes first");
        text.Should().NotContain("\uFFFD", "the UTF-8 text must decode cleanly");
    }

    [Test]
    public void Report_is_sendable_through_a_server_without_8bitmime()
    {
        var bytes = Wire.Bytes(_dsn.Create(Undelivered(UnknownUser, TimedOut))!);

        Wire.ShouldBeSafeWithout8BitMime(bytes);
        Body(Wire.Parse(bytes))[0].Headers[HeaderId.ContentTransferEncoding].Should().Be("base64");
    }

    [Test]
    public void Headers_with_8bit_bytes_or_overlong_lines_are_returned_quoted_printable_and_decode_to_the_original()
    {
        var longValue = new string('x', 1500);
        var original = Encoding.UTF8.GetBytes(
            "From: 田中 <tanaka@example.co.jp>\r\n" +
            "Subject: 生のUTF-8件名\r\n" +
            $"X-Long: {longValue}\r\n" +
            "\r\n" +
            $"{OriginalMessages.BodyMarker}\r\n");

        var bytes = Wire.Bytes(_dsn.Create(Undelivered() with { OriginalMessage = original })!);

        Wire.ShouldBeSafeWithout8BitMime(bytes);
        var report = Wire.Parse(bytes);
        var returned = Body(report)[2];
        returned.ContentType.MimeType.Should().Be("text/rfc822-headers");
        returned.Headers[HeaderId.ContentTransferEncoding].Should().Be("quoted-printable");
        using var decoded = new MemoryStream();
        ((MimePart)returned).Content!.DecodeTo(decoded);
        Encoding.UTF8.GetString(decoded.ToArray()).Should().Be(
            "From: 田中 <tanaka@example.co.jp>\r\nSubject: 生のUTF-8件名\r\n" + $"X-Long: {longValue}\r\n");
        ((TextPart)Body(report)[0]).Text.Should().Contain("件名「生のUTF-8件名」のメール");
        Encoding.ASCII.GetString(bytes).Should().NotContain(OriginalMessages.BodyMarker);
    }

    [Test]
    public void Long_and_non_ascii_server_replies_are_escaped_folded_and_bounded()
    {
        var reply = "5.7.1 メッセージは拒否されました\r\nsee " + string.Join(' ', Enumerable.Repeat("https://support.example.net/policy", 20)) + " " + new string('z', 2000);
        var recipient = DsnRecipient.Rejected("buyer@customer.example.com", 554, reply, "mx1.customer.example.com", LastAttempt);

        var bytes = Wire.Bytes(_dsn.Create(Undelivered(recipient))!);

        Wire.ShouldBeSafeWithout8BitMime(bytes);
        var group = Groups(Wire.Parse(bytes))[1];
        group["Status"].Should().Be("5.7.1");
        var diagnostic = group["Diagnostic-Code"];
        diagnostic.Should().StartWith("smtp; 554 5.7.1 \\x{30E1}\\x{30C3}");
        diagnostic.Should().NotContain("=?", "report fields are never RFC 2047 encoded");
        diagnostic.Should().EndWith("...");
        diagnostic.Length.Should().BeLessThan(1000);
        group.Single(h => h.Field == "Diagnostic-Code").RawValue.Count(b => b == '\n').Should().BeGreaterThan(1, "long values are folded");
        ((TextPart)Body(Wire.Parse(bytes))[0]).Text.Should().Contain("メッセージは拒否されました", "people read the reply as sent")
            .And.Contain("理由: 配送先のセキュリティポリシーにより、受け取りを拒否されました。");
    }

    [Test]
    public void An_internationalised_recipient_is_reported_with_the_utf8_address_type()
    {
        var recipient = DsnRecipient.Rejected("山田@例え.jp", 550, "5.1.1 user unknown", null, LastAttempt);

        var group = Groups(Report(Undelivered(recipient)))[1];

        group["Final-Recipient"].Should().Be(@"utf-8; \x{5C71}\x{7530}@\x{4F8B}\x{3048}.jp");
    }

    [Test]
    public void Top_level_headers_address_the_sender_from_the_mail_delivery_system()
    {
        var report = Report(Undelivered());

        report.From.Mailboxes.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { Name = "Mail Delivery System", Address = "MAILER-DAEMON@gw1.example.co.jp" }, o => o.ExcludingMissingMembers());
        report.To.Mailboxes.Should().ContainSingle().Which.Address.Should().Be(Sender);
        report.Subject.Should().Be("配送エラー通知 / Undelivered Mail Returned to Sender");
        report.Headers["Auto-Submitted"].Should().Be("auto-replied");
        report.Date.Should().Be(Now);
        report.Date.Offset.Should().Be(TimeSpan.FromHours(9));
        report.MessageId.Should().EndWith("@gw1.example.co.jp");
        report.InReplyTo.Should().Be(OriginalMessages.MessageId);
        report.References.Should().Equal(OriginalMessages.MessageId);
    }

    [Test]
    public void Notice_from_replaces_the_mail_delivery_system_address()
    {
        var dsn = new DeliveryStatusNotification(Gateway, new QuarantineOptions { NoticeFrom = "no-reply@example.co.jp" }, new FakeTimeProvider(Now));

        var from = Wire.RoundTrip(dsn.Create(Undelivered())!).From.Mailboxes.Single();

        from.Address.Should().Be("no-reply@example.co.jp");
        from.Name.Should().Be("Mail Delivery System");
    }

    [Test]
    public void Each_report_has_a_fresh_message_id()
    {
        _dsn.Create(Undelivered())!.MessageId.Should().NotBe(_dsn.Create(Undelivered())!.MessageId);
    }

    [TestCase("")]
    [TestCase("<>")]
    [TestCase("  ")]
    public void A_message_from_the_null_sender_gets_no_report(string nullSender)
    {
        _dsn.Create(Undelivered() with { EnvelopeSender = nullSender }).Should().BeNull();
        DeliveryStatusNotification.EnvelopeSender.Should().BeEmpty("reports themselves go out with MAIL FROM:<>");
    }

    [TestCase("2.0.0")]
    [TestCase("5.1")]
    [TestCase("5.1.1 ")]
    [TestCase("6.0.0")]
    [TestCase("550")]
    public void A_success_or_malformed_status_is_refused(string status)
    {
        var act = () => _dsn.Create(Undelivered(new DsnRecipient("buyer@customer.example.com", status)));

        act.Should().Throw<ArgumentException>().WithMessage($"*{status}*");
    }

    [Test]
    public void A_report_about_nobody_is_refused()
    {
        var act = () => _dsn.Create(Undelivered() with { Recipients = [] });

        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public void A_message_without_header_fields_gets_a_report_without_the_third_part()
    {
        var report = Report(Undelivered() with { OriginalMessage = Encoding.ASCII.GetBytes($"\r\n{OriginalMessages.BodyMarker}\r\n") });

        Body(report).Select(p => p.ContentType.MimeType).Should().Equal("text/plain", "message/delivery-status");
        ((TextPart)Body(report)[0]).Text.Should().Contain("件名「（件名なし）」").And.Contain("\"(no subject)\"");
    }

    [TestCase("UTC", "2026/11/27 05:00 (UTC)")]
    [TestCase("America/New_York", "2026/11/27 00:00 (UTC-05:00)")]
    public void Dates_are_shown_in_the_display_zone(string zoneId, string shown)
    {
        var dsn = new DeliveryStatusNotification(Gateway, Notices, new FakeTimeProvider(Now), TimeZoneInfo.FindSystemTimeZoneById(zoneId));

        ((TextPart)Body(Wire.RoundTrip(dsn.Create(Undelivered())!))[0]).Text.Should().Contain($"受付日時: {shown}");
    }

    [Test]
    public void A_subject_with_bidi_overrides_is_shown_defused()
    {
        var original = Encoding.UTF8.GetBytes("Subject: 請求書\u202Efdp.exe\r\n\r\nbody\r\n");

        var text = ((TextPart)Body(Report(Undelivered() with { OriginalMessage = original }))[0]).Text;

        text.Should().Contain("件名「請求書<U+202E>fdp.exe」").And.NotContain("\u202E");
    }
}
