using System.Text;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Processing;

/// <summary>Real SMTP in (MailKit), the pickup folder out: the verdict decides, and what leaves is byte-identical.</summary>
public class AcceptAndDeliverTests
{
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp() => _gateway = await TestGateway.StartAsync();

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    [Test]
    public async Task External_mail_with_a_plain_pdf_is_quarantined_untouched_and_not_delivered()
    {
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書の送付", TestMessages.Pdf);
        var reply = await Mailer.SendAsync(_gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com");
        reply.Should().StartWith("2.0.0 Ok: queued as ");
        var id = Mailer.QueueIdOf(reply);

        var (stored, _) = (await _gateway.Get<QuarantineService>().ShowAsync(id))!.Value;
        stored.State.Should().Be(MessageState.Quarantined);
        stored.Rule.Should().Be("external-unprotected");
        stored.FindingsJson.Should().Contain("見積書.pdf").And.Contain("暗号化されていません");
        await using (var original = await _gateway.Get<QuarantineService>().OpenOriginalAsync(stored))
        {
            using var copy = new MemoryStream();
            await original.CopyToAsync(copy);
            copy.ToArray().Should().Equal(TestMessages.Bytes(message), "the quarantine keeps the original bytes untouched");
        }

        await Task.Delay(500);
        (await _gateway.WaitForPickupAsync(1, TimeSpan.FromSeconds(1))).Should().BeEmpty("quarantined mail is not delivered");
    }

    [Test]
    public async Task External_mail_with_an_aes_zip_is_delivered_byte_identical_apart_from_the_added_headers()
    {
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書の送付（パスワード付き）", TestMessages.AesZip, "見積書.zip");
        var reply = await Mailer.SendAsync(_gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com");
        var id = Mailer.QueueIdOf(reply);

        var delivered = await _gateway.WaitForPickupAsync(1);
        delivered.Should().ContainSingle();
        var bytes = await File.ReadAllBytesAsync(delivered[0]);
        var original = TestMessages.Bytes(message);
        bytes.AsSpan(bytes.Length - original.Length).SequenceEqual(original).Should().BeTrue("the original follows the added headers unchanged");
        var added = Encoding.ASCII.GetString(bytes, 0, bytes.Length - original.Length);
        added.Should().StartWith("Received: from client.test ([127.0.0.1])\r\n\tby gw.test.example.co.jp (Miraie SafeMail) with ESMTP id " + id);
        added.Should().EndWith($"X-SafeMail-Verdict: pass; rule=default-pass; id={id}\r\n");
        added.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith('\t')).Should().HaveCount(2, "only a Received and a verdict header are added");

        var envelope = await File.ReadAllTextAsync(delivered[0][..^4] + ".envelope.json");
        envelope.Should().Contain("\"sender\": \"tanaka@example.co.jp\"").And.Contain("buyer@customer.example.com");
    }

    [Test]
    public async Task Internal_mail_with_a_plain_pdf_is_delivered_and_bcc_to_an_outsider_is_not()
    {
        var message = TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内資料", TestMessages.Pdf);
        await Mailer.SendAsync(_gateway.Smtp, message, "tanaka@example.co.jp", "suzuki@example.co.jp");
        (await _gateway.WaitForPickupAsync(1)).Should().ContainSingle();

        // Same headers, but the envelope also carries a Bcc to an external address: that makes it external.
        var reply = await Mailer.SendAsync(_gateway.Smtp, message, "tanaka@example.co.jp", "suzuki@example.co.jp", "someone@gmail.example");
        var (stored, _) = (await _gateway.Get<QuarantineService>().ShowAsync(Mailer.QueueIdOf(reply)))!.Value;
        stored.State.Should().Be(MessageState.Quarantined);
        stored.Recipients.Should().Contain(r => r.Address == "someone@gmail.example" && r.External);
    }
}
