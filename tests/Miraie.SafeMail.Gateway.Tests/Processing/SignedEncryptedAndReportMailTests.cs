using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Processing;

/// <summary>
/// Real SMTP through the gateway with the shipping policy (issue 12): signed mail, S/MIME-encrypted mail, a bounce and a
/// read receipt to an external recipient reach the smarthost byte for byte; signing does not make a plain attachment safe.
/// The messages are the corpus ones, made with openssl cms and shaped as Thunderbird, Outlook and Postfix send them.
/// </summary>
public class SignedEncryptedAndReportMailTests
{
    private const string Customer = "buyer@customer.example.com";

    private CapturingSmtpServer _upstream = null!;
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _upstream = await CapturingSmtpServer.StartAsync();
        _gateway = await TestGateway.StartAsync(TestGateway.Smarthost(_upstream.Port));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [TestCase("ext-smime-signed-aes-zip.eml", "tanaka@example.co.jp", TestName = "Thunderbird S/MIME-signed mail (smime.p7s) to a customer passes")]
    [TestCase("ext-smime-signed-outlook-no-attachment.eml", "tanaka@example.co.jp", TestName = "Outlook S/MIME-signed mail without attachments to a customer passes")]
    [TestCase("ext-smime-encrypted.eml", "tanaka@example.co.jp", TestName = "S/MIME-encrypted mail (EnvelopedData) to a customer passes")]
    [TestCase("ext-pgpmime-encrypted.eml", "tanaka@example.co.jp", TestName = "PGP/MIME-encrypted mail to a customer passes")]
    [TestCase("ext-dsn-postfix-returned-aes-zip.eml", "", TestName = "A Postfix bounce to a customer (null sender) passes")]
    [TestCase("ext-ndr-exchange-headers-only.eml", "", TestName = "An Exchange NDR with text/rfc822-headers to a customer passes")]
    [TestCase("ext-mdn-read-receipt.eml", "", TestName = "A read receipt (MDN) to a customer passes")]
    public async Task Reaches_the_external_recipient_byte_for_byte(string file, string sender)
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(RawMail.CorpusMessages, file));
        var reply = await RawMail.SendAsync(_gateway.Smtp, original, sender, Customer);
        reply.Code.Should().Be(250, reply.Text);

        var received = await RawMail.DeliveredAsync(_upstream, Mailer.QueueIdOf(reply.Text));
        received.From.Should().Be(sender);
        received.Recipients.Should().Equal(Customer);
        RawMail.AfterAddedHeaders(received.Data.Span).Should().Equal(original);
        received.Text.Should().Contain("X-SafeMail-Verdict: pass; rule=default-pass");
    }

    [Test]
    public async Task A_signed_message_carrying_an_unencrypted_xlsx_is_still_quarantined()
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(RawMail.CorpusMessages, "ext-smime-signed-plain-xlsx.eml"));
        var reply = await RawMail.SendAsync(_gateway.Smtp, original, "tanaka@example.co.jp", Customer);
        reply.Code.Should().Be(250, reply.Text);

        await using var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync();
        var record = (await MessageTable.GetAsync(connection, Mailer.QueueIdOf(reply.Text)))!;
        record.State.Should().Be(MessageState.Quarantined);
        record.Rule.Should().Be("external-unprotected");
        record.FindingsJson.Should().Contain("顧客一覧.xlsx").And.NotContain("smime.p7s", "the signature is body, not a finding");
        record.InspectionJson.Should().Contain("\"why\":\"signature\"", "the report lists the signature as body");

        await Task.Delay(500);
        _upstream.Messages.Should().BeEmpty("quarantined mail is not delivered");
    }
}
