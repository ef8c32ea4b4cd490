using System.Security.Cryptography;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Processing;

/// <summary>
/// The add-in's confirmation stamp as a policy condition, end to end over SMTP: a policy that quarantines external mail
/// whose recipients were not confirmed, with the key in the gateway's configuration.
/// </summary>
public class ConfirmationStampTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp() => _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
    {
        ["SafeMail:Confirmation:Keys:2026a"] = Key,
        ["SafeMail:Policy:Rules:0:Name"] = "unconfirmed-external",
        ["SafeMail:Policy:Rules:0:Action"] = "Quarantine",
        ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
        ["SafeMail:Policy:Rules:0:When:Confirmation"] = "NotValid",
        ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
        ["SafeMail:Policy:Rules:1:Action"] = "Pass",
    });

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_stamp_for_exactly_these_recipients_and_attachments_lets_the_mail_through()
    {
        var record = await SendAsync(Stamp(Sender, [Customer], TestMessages.AesZip), Customer);

        record.Confirmation.Should().Be("valid");
        record.Rule.Should().Be("default-pass");
        (await _gateway.WaitForPickupAsync(1)).Should().ContainSingle();
    }

    [Test]
    public async Task Mail_without_a_stamp_is_quarantined_by_the_rule()
    {
        var record = await SendAsync(stamp: null, Customer);

        record.Confirmation.Should().Be("absent");
        record.State.Should().Be(MessageState.Quarantined);
        record.Rule.Should().Be("unconfirmed-external");
    }

    [Test]
    public async Task A_recipient_added_after_confirming_breaks_the_stamp()
    {
        // Confirmed for the customer alone; the envelope also carries a Bcc the sender never confirmed.
        var record = await SendAsync(Stamp(Sender, [Customer], TestMessages.AesZip), Customer, "rival@other.example.com");

        record.Confirmation.Should().Be("recipients-mismatch");
        record.State.Should().Be(MessageState.Quarantined);
    }

    [Test]
    public async Task A_stamp_for_another_attachment_or_signed_with_an_unknown_key_is_not_valid()
    {
        var otherFile = await SendAsync(Stamp(Sender, [Customer], TestMessages.Pdf), Customer);
        otherFile.Confirmation.Should().Be("attachments-mismatch");
        otherFile.State.Should().Be(MessageState.Quarantined);

        var forged = new ConfirmationSigner(new ConfirmationOptions
        {
            Keys = { ["2026a"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            CurrentKeyId = "2026a",
        }).Sign(Sender, [Customer], [ConfirmationFingerprint.Sha256Hex(TestMessages.AesZip)]);
        var record = await SendAsync(forged, Customer);
        record.Confirmation.Should().Be("bad-signature");
        record.State.Should().Be(MessageState.Quarantined);
    }

    private static string Stamp(string sender, string[] recipients, byte[] attachment) =>
        new ConfirmationSigner(new ConfirmationOptions { Keys = { ["2026a"] = Key }, CurrentKeyId = "2026a" })
            .Sign(sender, recipients, [ConfirmationFingerprint.Sha256Hex(attachment)]);

    private async Task<MessageRecord> SendAsync(string? stamp, params string[] envelopeRecipients)
    {
        var message = TestMessages.Mail(Sender, [Customer], "見積書の送付", TestMessages.AesZip, "見積書.zip");
        if (stamp is not null)
        {
            message.Headers.Add("X-SafeMail-Confirmation", stamp);
        }

        var reply = await Mailer.SendAsync(_gateway.Smtp, message, Sender, envelopeRecipients);
        var (record, _) = (await _gateway.Get<QuarantineService>().ShowAsync(Mailer.QueueIdOf(reply)))!.Value;
        return record;
    }
}
