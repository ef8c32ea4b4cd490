using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>The mails about held mail, approvals and BCC変換: Japanese then English, the subject prefix, text only, links only with a console address.</summary>
public class WaitingNoticesTests
{
    private const string Id = "06H1T6HMJ3GJ38EY";
    private static readonly DateTimeOffset Sent = new(2026, 11, 27, 5, 5, 0, TimeSpan.Zero); // 14:05 JST
    private static readonly GatewayOptions Gateway = new() { ServerName = "gw1.example.co.jp" };

    private static readonly MessageRecord Message = new()
    {
        Id = Id,
        ReceivedAt = Sent,
        NodeId = "gw1",
        EnvelopeFrom = "tanaka@example.co.jp",
        Subject = "見積書の送付（11月分）",
        Size = 4321,
        State = MessageState.Held,
        Verdict = "hold",
        Rule = "hold-external",
        Confirmation = "absent",
        External = true,
        FindingsJson = "[]",
        Origin = MessageOrigin.Smtp,
        NextAttemptAt = Sent.AddMinutes(5),
        ExpiresAt = Sent.AddDays(3),
        DecidedBy = "bucho@example.co.jp",
        Recipients = [new("buyer@customer.example.com", true, RecipientState.Pending, null), new("suzuki@example.co.jp", false, RecipientState.Pending, null)],
    };

    private static WaitingNotices Notices(string? consoleUrl = null) =>
        new(Gateway, new QuarantineOptions(), new WaitingOptions { ConsoleUrl = consoleUrl }, new FakeTimeProvider(Sent.AddMinutes(1)));

    private static MimeMessage Create(WaitingNotice kind, string? consoleUrl = null, string? reason = null) =>
        Wire.RoundTrip(Notices(consoleUrl).Create(kind, Message, Message.EnvelopeFrom, reason) ?? throw new AssertionException("no notice was made"));

    private static string Text(MimeMessage notice) => notice.Body.Should().BeOfType<TextPart>().Subject.Text;

    [TestCase(WaitingNotice.Held, "【送信保留】[Held]", "2026/11/27 14:10 (JST) まで送信を保留しています", "is held until 2026/11/27 14:10 (JST)")]
    [TestCase(WaitingNotice.ApprovalRequest, "【承認依頼】[Approval requested]", "あなたの承認が必要です。2026/11/30 14:05 (JST) まで", "needs your approval to be sent. Approve or reject it by 2026/11/30 14:05 (JST)")]
    [TestCase(WaitingNotice.Approved, "【承認されました】[Approved]", "承認されました（承認者: bucho@example.co.jp）", "was approved by bucho@example.co.jp")]
    [TestCase(WaitingNotice.Rejected, "【却下されました】[Not approved]", "却下されました（承認者: bucho@example.co.jp）", "was rejected by bucho@example.co.jp")]
    [TestCase(WaitingNotice.Expired, "【承認期限切れ】[Approval expired]", "承認期限までに承認されなかったため", "was not approved in time")]
    [TestCase(WaitingNotice.ConvertedToBcc, "【BCC変換】[Moved to Bcc]", "To/Cc を表示しない形（BCC）に変えて送信します", "it is sent with To/Cc hidden (as Bcc)")]
    public void Each_notice_is_one_text_part_in_Japanese_then_English_with_its_subject_prefix(WaitingNotice kind, string prefix, string ja, string en)
    {
        var notice = Create(kind);

        notice.Subject.Should().Be($"{prefix} 見積書の送付（11月分）");
        notice.To.Mailboxes.Should().ContainSingle().Which.Address.Should().Be("tanaka@example.co.jp");
        notice.Headers["Auto-Submitted"].Should().Be("auto-generated");
        notice.HtmlBody.Should().BeNull();
        notice.BodyParts.Should().ContainSingle();
        notice.Body!.ContentType.MimeType.Should().Be("text/plain");
        notice.Body!.ContentType.Charset.Should().Be("utf-8");

        var text = Text(notice);
        var separator = text.IndexOf(QuarantineNoticeTexts.Separator, StringComparison.Ordinal);
        separator.Should().BePositive();
        text.IndexOf(ja, StringComparison.Ordinal).Should().BeInRange(0, separator, "Japanese comes first");
        text.IndexOf(en, StringComparison.Ordinal).Should().BeGreaterThan(separator, "English follows");
        text[..separator].Should().Contain("件名: 見積書の送付（11月分）").And.Contain("buyer@customer.example.com（社外）").And.Contain("ID: " + Id);
        text[separator..].Should().Contain("Subject: 見積書の送付（11月分）").And.Contain("buyer@customer.example.com (external)").And.Contain("ID: " + Id);
    }

    [TestCase(WaitingNotice.Held, "/Held/")]
    [TestCase(WaitingNotice.ApprovalRequest, "/Approvals/")]
    [TestCase(WaitingNotice.Approved, null)]
    [TestCase(WaitingNotice.Rejected, null)]
    [TestCase(WaitingNotice.Expired, null)]
    [TestCase(WaitingNotice.ConvertedToBcc, null)]
    public void Links_appear_only_where_the_console_address_is_set_and_the_reader_can_act(WaitingNotice kind, string? page)
    {
        Text(Create(kind)).Should().NotContain("http", "without SafeMail:Waiting:ConsoleUrl there is no link");

        var text = Text(Create(kind, consoleUrl: "https://safemail.example.co.jp/"));
        if (page is null)
        {
            text.Should().NotContain("http", "nothing is left to do for the reader");
        }
        else
        {
            var link = "https://safemail.example.co.jp" + page + Id;
            text.Split('\n').Count(l => l.Trim() == link).Should().Be(2, "once in Japanese, once in English, on a line of its own");
        }
    }

    [Test]
    public void A_rejection_carries_its_reason_in_both_languages_as_text()
    {
        var text = Text(Create(WaitingNotice.Rejected, reason: "宛先に社外の方が含まれています <b>確認</b>"));
        text.Should().Contain("理由: 宛先に社外の方が含まれています <b>確認</b>").And.Contain("Reason: 宛先に社外の方が含まれています <b>確認</b>");
    }

    [Test]
    public void A_message_from_the_null_sender_has_nobody_to_tell() =>
        Notices().Create(WaitingNotice.ConvertedToBcc, Message with { EnvelopeFrom = "" }, "").Should().BeNull();
}
