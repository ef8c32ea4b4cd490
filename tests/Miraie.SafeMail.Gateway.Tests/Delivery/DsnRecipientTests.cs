using Miraie.SafeMail.Gateway.Delivery;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

public class DsnRecipientTests
{
    private static readonly DateTimeOffset When = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);

    [TestCase(550, "5.1.1 <x@partner.example.com>: user unknown", "5.1.1")]
    [TestCase(552, "5.2.2 mailbox full", "5.2.2")]
    [TestCase(554, "5.7.1", "5.7.1")]
    [TestCase(550, "user unknown", "5.0.0")]
    [TestCase(550, "4.2.0 class does not match the reply", "5.0.0")]
    [TestCase(550, "5.1.1.2 not a code", "5.0.0")]
    [TestCase(550, "", "5.0.0")]
    public void A_rejection_reports_the_reply_s_own_enhanced_code_when_it_is_permanent(int code, string text, string status)
    {
        var recipient = DsnRecipient.Rejected("x@partner.example.com", code, text, "mx.partner.example.com", When);

        recipient.Status.Should().Be(status);
        recipient.SmtpReply.Should().Be($"{code} {text}".TrimEnd());
        recipient.RemoteMta.Should().Be("mx.partner.example.com");
        recipient.LastAttemptDate.Should().Be(When);
    }

    [TestCase(450)]
    [TestCase(250)]
    [TestCase(600)]
    public void Only_a_5xx_reply_is_a_rejection(int code)
    {
        var act = () => DsnRecipient.Rejected("x@partner.example.com", code, "4.2.1 later", null, When);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void An_expired_recipient_reports_delivery_time_expired()
    {
        var recipient = DsnRecipient.Expired("x@partner.example.com", When, "mx.partner.example.com", "421 4.4.2 timeout");

        recipient.Status.Should().Be("4.4.7");
        recipient.SmtpReply.Should().Be("421 4.4.2 timeout");
    }

    [TestCase("5.1.1", true)]
    [TestCase("4.4.7", true)]
    [TestCase("2.0.0", true)]
    [TestCase("5.123.456", true)]
    [TestCase("5.1234.1", false)]
    [TestCase("3.0.0", false)]
    [TestCase("5.1", false)]
    [TestCase(" 5.1.1", false)]
    public void Status_codes_follow_rfc3463(string status, bool valid)
    {
        DsnRecipient.IsStatusCode(status).Should().Be(valid);
    }
}
