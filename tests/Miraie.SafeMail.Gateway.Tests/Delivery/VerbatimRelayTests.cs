using System.Globalization;
using System.Text;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>
/// The smarthost receives the accepted bytes themselves: the gateway's Received and X-SafeMail-Verdict lines, then the
/// message exactly as the client sent it (bare LF and bare CR turned into CRLF, the one documented normalisation),
/// whatever the mail program's header order, charset or line length.
/// </summary>
public class VerbatimRelayTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Recipient = "suzuki@example.co.jp";

    private CapturingSmtpServer _upstream = null!;
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _upstream = await CapturingSmtpServer.StartAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = _upstream.Port.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [TestCase("int-plain-pdf.eml", TestName = "Outlook (Exchange Online, ISO-2022-JP, quoted-printable HTML, PDF) arrives byte for byte")]
    [TestCase("ext-aes-zip-japanese-name.eml", TestName = "Thunderbird (Content-Type first, RFC 2231 name, AES ZIP) arrives byte for byte")]
    [TestCase("ext-zipcrypto-zip.eml", TestName = "Gmail (MIME-Version first, UTF-8 encoded-word names) arrives byte for byte")]
    [TestCase("ext-tnef-pdf.eml", TestName = "Outlook with winmail.dat (TNEF) arrives byte for byte")]
    public async Task Corpus_message_arrives_byte_for_byte(string file)
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(RawMail.CorpusMessages, file));
        (await RelayAsync(original)).Should().Equal(original);
    }

    [Test]
    public async Task Apple_Mail_header_order_with_Content_Type_second_is_kept()
    {
        var original = Crlf(
            "From: =?utf-8?B?55Sw5LitIOWkqumDjg==?= <tanaka@example.co.jp>",
            "Content-Type: multipart/alternative;",
            "\tboundary=\"Apple-Mail=_6C1B2A4E-1F0B-4B9E-9C36-0D1E2F3A4B5C\"",
            "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))",
            "Subject: =?utf-8?B?5b6h6KaL56mN5pu444Gu5Lu2?=",
            "Message-Id: <8E1D4C2B-3A5F-4E6D-9B7C-1A2B3C4D5E6F@example.co.jp>",
            "Date: Fri, 27 Nov 2026 10:25:11 +0900",
            "To: suzuki@example.co.jp",
            "X-Mailer: Apple Mail (2.3774.600.62)",
            "",
            "",
            "--Apple-Mail=_6C1B2A4E-1F0B-4B9E-9C36-0D1E2F3A4B5C",
            "Content-Transfer-Encoding: quoted-printable",
            "Content-Type: text/plain;",
            "\tcharset=utf-8",
            "",
            "=E3=81=8A=E4=B8=96=E8=A9=B1=E3=81=AB=E3=81=AA=E3=81=A3=E3=81=A6=E3=81=8A=E3=82=8A=E3=81=BE=E3=81=99=E3=80=82",
            ".a line that starts with a dot (stuffed on the wire)",
            "",
            "--Apple-Mail=_6C1B2A4E-1F0B-4B9E-9C36-0D1E2F3A4B5C",
            "Content-Transfer-Encoding: 7bit",
            "Content-Type: text/html;",
            "\tcharset=us-ascii",
            "",
            "<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=us-ascii\"></head><body>Hello</body></html>",
            "--Apple-Mail=_6C1B2A4E-1F0B-4B9E-9C36-0D1E2F3A4B5C--",
            "");

        (await RelayAsync(original)).Should().Equal(original);
    }

    [Test]
    public async Task Raw_UTF8_headers_and_an_8bit_body_arrive_unchanged_with_SMTPUTF8_and_8BITMIME_asked_for()
    {
        var original = Crlf(
            "From: 田中 太郎 <tanaka@example.co.jp>",
            "To: 鈴木 <suzuki@example.co.jp>",
            "Subject: 御見積書送付の件（8bit）",
            "Date: Fri, 27 Nov 2026 10:25:11 +0900",
            "Message-ID: <utf8-1@example.co.jp>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "いつもお世話になっております。",
            "");

        (await RelayAsync(original, " SMTPUTF8 BODY=8BITMIME")).Should().Equal(original);
        var received = _upstream.Messages.Single();
        received.Parameters.Should().ContainKey("SMTPUTF8");
        received.Parameters.Should().Contain("BODY", "8BITMIME");
    }

    [Test]
    public async Task Bare_LF_and_bare_CR_become_CRLF_and_nothing_else_changes()
    {
        var sent = Encoding.UTF8.GetBytes(
            "From: tanaka@example.co.jp\nTo: suzuki@example.co.jp\nSubject: bare LF\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
            + "line one\nline two\r\nline three\rline four\n\nend\r\n");
        var accepted = Encoding.UTF8.GetBytes(
            "From: tanaka@example.co.jp\r\nTo: suzuki@example.co.jp\r\nSubject: bare LF\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "line one\r\nline two\r\nline three\r\nline four\r\n\r\nend\r\n");

        (await RelayAsync(sent)).Should().Equal(accepted);
    }

    [Test]
    public async Task A_line_longer_than_SMTP_allows_is_relayed_untouched_not_re_encoded()
    {
        var line = new string('a', 1024 * 1024);
        var original = Crlf(
            "From: tanaka@example.co.jp",
            "To: suzuki@example.co.jp",
            "Subject: one long line",
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit",
            "",
            "<html><body>" + line + "</body></html>",
            "");

        (await RelayAsync(original)).Should().Equal(original, "the gateway neither wraps nor re-encodes (README: long lines)");
    }

    private async Task<byte[]> RelayAsync(byte[] message, string mailParameters = "")
    {
        var reply = await RawMail.SendAsync(_gateway.Smtp, message, Sender, Recipient, mailParameters);
        reply.Code.Should().Be(250, reply.Text);
        var received = await RawMail.DeliveredAsync(_upstream, Mailer.QueueIdOf(reply.Text));
        received.From.Should().Be(Sender);
        received.Recipients.Should().Equal(Recipient);
        return RawMail.AfterAddedHeaders(received.Data.Span);
    }

    private static byte[] Crlf(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines));
}
