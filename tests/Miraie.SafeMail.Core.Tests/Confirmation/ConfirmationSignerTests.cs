using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Miraie.SafeMail.Core.Confirmation;

namespace Miraie.SafeMail.Core.Tests.Confirmation;

public class ConfirmationSignerTests
{
    private static readonly string[] Recipients = ["buyer@customer.example.com", "Suzuki@Example.co.jp"];
    private static readonly string[] Attachments = [ConfirmationFingerprint.Sha256Hex("zip bytes"u8)];

    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private ConfirmationOptions _options = null!;
    private ConfirmationSigner _signer = null!;

    [SetUp]
    public void SetUp()
    {
        _options = new ConfirmationOptions
        {
            Keys = { ["2026a"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            CurrentKeyId = "2026a",
        };
        _signer = new ConfirmationSigner(_options, _clock);
    }

    private ConfirmationStatus Verify(string header, string sender = "tanaka@example.co.jp", string[]? recipients = null, string[]? attachments = null) =>
        _signer.Verify(header, sender, recipients ?? Recipients, attachments ?? Attachments);

    [Test]
    public void A_fresh_stamp_verifies_for_the_same_sender_recipients_and_attachments_in_any_order_and_case()
    {
        var header = _signer.Sign("tanaka@example.co.jp", Recipients, Attachments);
        header.Should().MatchRegex(@"^v=1; s=tanaka%40example\.co\.jp; r=[A-Za-z0-9_-]{43}; a=[A-Za-z0-9_-]{43}; t=\d+; k=2026a; h=[A-Za-z0-9_-]{43}$");
        Verify(header, "TANAKA@example.co.jp", ["suzuki@example.co.jp", "BUYER@customer.example.com", "buyer@customer.example.com"]).Should().Be(ConfirmationStatus.Valid);
    }

    [Test]
    public void Changed_recipients_sender_or_attachments_are_each_named()
    {
        var header = _signer.Sign("tanaka@example.co.jp", Recipients, Attachments);
        Verify(header, recipients: [.. Recipients, "extra@other.example"]).Should().Be(ConfirmationStatus.RecipientsMismatch);
        Verify(header, recipients: [Recipients[0]]).Should().Be(ConfirmationStatus.RecipientsMismatch);
        Verify(header, sender: "sato@example.co.jp").Should().Be(ConfirmationStatus.SenderMismatch);
        Verify(header, attachments: [ConfirmationFingerprint.Sha256Hex("other bytes"u8)]).Should().Be(ConfirmationStatus.AttachmentsMismatch);
        Verify(header, attachments: []).Should().Be(ConfirmationStatus.AttachmentsMismatch);
    }

    [Test]
    public void Tampering_with_any_field_breaks_the_signature()
    {
        var header = _signer.Sign("tanaka@example.co.jp", Recipients, Attachments);
        var stamp = ConfirmationStamp.Parse(header)!;
        var otherRecipients = ConfirmationFingerprint.Recipients(["attacker@evil.example"]);
        Verify((stamp with { RecipientsHash = otherRecipients }).ToHeaderValue(), recipients: ["attacker@evil.example"]).Should().Be(ConfirmationStatus.BadSignature);
        Verify((stamp with { IssuedAt = stamp.IssuedAt.AddHours(30) }).ToHeaderValue()).Should().Be(ConfirmationStatus.BadSignature);
        Verify((stamp with { Sender = "boss@example.co.jp" }).ToHeaderValue(), sender: "boss@example.co.jp").Should().Be(ConfirmationStatus.BadSignature);
        var flipped = stamp.Signature[0] == 'A' ? 'B' + stamp.Signature[1..] : 'A' + stamp.Signature[1..];
        Verify((stamp with { Signature = flipped }).ToHeaderValue()).Should().Be(ConfirmationStatus.BadSignature);
    }

    [Test]
    public void Expiry_and_clock_skew_are_enforced()
    {
        var header = _signer.Sign("tanaka@example.co.jp", Recipients, Attachments);
        _clock.Advance(TimeSpan.FromHours(23));
        Verify(header).Should().Be(ConfirmationStatus.Valid);
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Verify(header).Should().Be(ConfirmationStatus.Expired);

    }

    [Test]
    public void A_stamp_dated_beyond_the_clock_skew_is_not_yet_valid()
    {
        var early = new ConfirmationSigner(_options, new FakeTimeProvider(Start + TimeSpan.FromMinutes(4))).Sign("tanaka@example.co.jp", Recipients, Attachments);
        var tooEarly = new ConfirmationSigner(_options, new FakeTimeProvider(Start + TimeSpan.FromMinutes(6))).Sign("tanaka@example.co.jp", Recipients, Attachments);
        Verify(early).Should().Be(ConfirmationStatus.Valid);
        Verify(tooEarly).Should().Be(ConfirmationStatus.NotYetValid);
    }

    [Test]
    public void Stamps_from_another_installation_or_garbage_are_not_valid()
    {
        var other = new ConfirmationSigner(new ConfirmationOptions
        {
            Keys = { ["2026a"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            CurrentKeyId = "2026a",
        }, _clock);
        Verify(other.Sign("tanaka@example.co.jp", Recipients, Attachments)).Should().Be(ConfirmationStatus.BadSignature);

        var rotated = new ConfirmationSigner(new ConfirmationOptions
        {
            Keys = { ["2027a"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            CurrentKeyId = "2027a",
        }, _clock);
        Verify(rotated.Sign("tanaka@example.co.jp", Recipients, Attachments)).Should().Be(ConfirmationStatus.UnknownKey);

        Verify("v=1; s=x").Should().Be(ConfirmationStatus.Malformed);
        Verify("v=2; s=a; r=b; a=c; t=1; k=d; h=e").Should().Be(ConfirmationStatus.Malformed);
        Verify("v=1; s=a; r=b; a=c; t=1; k=d; h=e; h=f").Should().Be(ConfirmationStatus.Malformed);
        _signer.Verify(null, "a", [], []).Should().Be(ConfirmationStatus.Absent);
    }

    [Test]
    public void Without_keys_a_stamp_is_not_checked_and_weak_keys_are_refused()
    {
        var none = new ConfirmationSigner(new ConfirmationOptions());
        none.Verify("v=1; whatever", "a", [], []).Should().Be(ConfirmationStatus.NotChecked);

        var weak = () => new ConfirmationSigner(new ConfirmationOptions { Keys = { ["k"] = Convert.ToBase64String(new byte[16]) } });
        weak.Should().Throw<ArgumentException>().WithMessage("SafeMail:Confirmation:Keys:k:*");
        var missing = () => new ConfirmationSigner(new ConfirmationOptions { CurrentKeyId = "nope" });
        missing.Should().Throw<ArgumentException>().WithMessage("SafeMail:Confirmation:CurrentKeyId:*");
    }
}
