using System.Security.Cryptography;
using System.Text;

namespace Miraie.SafeMail.Core.Confirmation;

/// <summary>
/// Signs confirmation stamps (in the add-in backend; the key never reaches the browser) and verifies them (in the
/// gateway). Verification checks, in order: format, key, signature, time, sender, recipients, attachments — so a
/// forged stamp reads as forged, not as "other recipients".
/// </summary>
public sealed class ConfirmationSigner
{
    private const int MinimumKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly ConfirmationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Loads the keys. Throws <see cref="ArgumentException"/> naming the setting when a key is not base64 of at least 32 bytes.</summary>
    public ConfirmationSigner(ConfirmationOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, value) in options.Keys)
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"{ConfirmationOptions.SectionName}:Keys:{id}: 鍵が base64 ではありません / the key is not base64", nameof(options));
            }

            if (key.Length < MinimumKeyBytes)
            {
                throw new ArgumentException($"{ConfirmationOptions.SectionName}:Keys:{id}: 鍵は32バイト以上必要です / the key must be at least 32 bytes", nameof(options));
            }

            _keys[id] = key;
        }

        if (options.CurrentKeyId is { } current && !_keys.ContainsKey(current))
        {
            throw new ArgumentException($"{ConfirmationOptions.SectionName}:CurrentKeyId: 鍵「{current}」がありません / no key '{current}' is configured", nameof(options));
        }
    }

    /// <summary>True when at least one key is configured, so stamps can be checked.</summary>
    public bool CanVerify => _keys.Count > 0;

    /// <summary>Signs a confirmation with the current key and returns the header value.</summary>
    public string Sign(string sender, IEnumerable<string> recipients, IEnumerable<string> attachmentSha256Hex)
    {
        var keyId = _options.CurrentKeyId ?? throw new InvalidOperationException($"{ConfirmationOptions.SectionName}:CurrentKeyId is not set");
        var unsigned = new ConfirmationStamp(sender.Trim(), ConfirmationFingerprint.Recipients(recipients),
            ConfirmationFingerprint.Attachments(attachmentSha256Hex), DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds()), keyId, "");
        return (unsigned with { Signature = Mac(_keys[keyId], unsigned.CanonicalText) }).ToHeaderValue();
    }

    /// <summary>Checks <paramref name="header"/> against what the gateway sees: the envelope and the attachments' hashes.</summary>
    public ConfirmationStatus Verify(string? header, string envelopeSender, IEnumerable<string> envelopeRecipients, IEnumerable<string> attachmentSha256Hex)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return ConfirmationStatus.Absent;
        }

        if (!CanVerify)
        {
            return ConfirmationStatus.NotChecked;
        }

        var stamp = ConfirmationStamp.Parse(header);
        if (stamp is null)
        {
            return ConfirmationStatus.Malformed;
        }

        if (!_keys.TryGetValue(stamp.KeyId, out var key))
        {
            return ConfirmationStatus.UnknownKey;
        }

        var expected = Encoding.ASCII.GetBytes(Mac(key, stamp.CanonicalText));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(stamp.Signature)))
        {
            return ConfirmationStatus.BadSignature;
        }

        var now = _time.GetUtcNow();
        if (stamp.IssuedAt > now + _options.ClockSkew)
        {
            return ConfirmationStatus.NotYetValid;
        }

        if (now - stamp.IssuedAt > _options.MaxAge)
        {
            return ConfirmationStatus.Expired;
        }

        if (!string.Equals(stamp.Sender, envelopeSender.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return ConfirmationStatus.SenderMismatch;
        }

        if (stamp.RecipientsHash != ConfirmationFingerprint.Recipients(envelopeRecipients))
        {
            return ConfirmationStatus.RecipientsMismatch;
        }

        return stamp.AttachmentsHash != ConfirmationFingerprint.Attachments(attachmentSha256Hex)
            ? ConfirmationStatus.AttachmentsMismatch
            : ConfirmationStatus.Valid;
    }

    private static string Mac(byte[] key, string canonical) =>
        ConfirmationFingerprint.Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));
}
