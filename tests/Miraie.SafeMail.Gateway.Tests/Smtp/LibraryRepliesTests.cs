using System.Reflection;
using Miraie.SafeMail.Gateway.Smtp;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>
/// Every reply SmtpServer can write on its own has the gateway's wording: its predefined replies (found by reflection,
/// so a new one in an upgrade is checked too) and the texts it builds in its session loop, parser and commands.
/// </summary>
public class LibraryRepliesTests
{
    private static readonly LibraryReplies.Situation Session = new("gw.example.co.jp", "RCPT", null, false, false);

    private static IEnumerable<TestCaseData> PredefinedReplies() =>
        typeof(SmtpResponse).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(SmtpResponse))
            .Select(f => (SmtpResponse)f.GetValue(null)!)
            .Select(r => new TestCaseData((int)r.ReplyCode, r.Message ?? "").SetArgDisplayNames($"{(int)r.ReplyCode} {r.Message}"));

    private static IEnumerable<TestCaseData> BuiltReplies() =>
    [
        new(221, "Timeout while waiting for input."),
        new(221, "The session has be cancelled."),
        new(501, "expected NOOP/RSET/QUIT/AUTH/HELO/EHLO/MAIL"),
        new(502, "Unrecognized command"),
        new(501, "missing the FROM:"),
        new(501, "missing the TO:"),
        new(535, "authentication failed, 2 attempt(s) remaining."),
        new(354, "end with <CRLF>.<CRLF>"),
        new(250, "some text a later SmtpServer might add"),
        new(451, "some text a later SmtpServer might add"),
        new(550, "some text a later SmtpServer might add"),
    ];

    [TestCaseSource(nameof(PredefinedReplies))]
    [TestCaseSource(nameof(BuiltReplies))]
    public void A_library_reply_gets_the_gateways_wording(int code, string text)
    {
        var (newCode, newText) = LibraryReplies.Translate(code, text, Session);
        newText.Should().NotBe(text);
        if (newCode / 100 != 3)
        {
            LibraryReplies.HasEnhancedCode(newText).Should().BeTrue($"'{newCode} {newText}' needs an RFC 3463 code");
            newText[0].Should().Be((char)('0' + (newCode / 100)), "the enhanced code's class matches the reply's");
        }
    }

    [Test]
    public void A_timeout_or_cancellation_is_a_421_not_the_librarys_221()
    {
        LibraryReplies.Translate(221, "Timeout while waiting for input.", Session).Should().Be((421, "4.4.2 gw.example.co.jp Error: timeout exceeded"));
        LibraryReplies.Translate(221, "The session has be cancelled.", Session with { Stopping = true })
            .Should().Be((421, "4.3.2 gw.example.co.jp Service shutting down, closing connection"));
        LibraryReplies.Translate(221, "bye", Session with { LastCommand = "QUIT" }).Should().Be((221, "2.0.0 Bye"));
    }

    [Test]
    public void The_retry_count_the_library_appends_is_removed() =>
        LibraryReplies.WithoutRetryCount("4.5.3 Error: too many recipients, 4 retry(ies) remaining.").Should().Be("4.5.3 Error: too many recipients");
}
