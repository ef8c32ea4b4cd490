using System.Globalization;

namespace Miraie.SafeMail.Core.Confirmation;

/// <summary>
/// The signed record of a sender's confirmation, carried in the <c>X-SafeMail-Confirmation</c> header:
/// <code>v=1; s=tanaka%40example.co.jp; r=&lt;b64url&gt;; a=&lt;b64url&gt;; t=1764230400; k=2026a; h=&lt;b64url&gt;</code>
/// <c>s</c> is the sender address, URI-escaped so the header stays ASCII; <c>r</c> and <c>a</c> are
/// <see cref="ConfirmationFingerprint"/> hashes; <c>t</c> Unix seconds; <c>k</c> the key id; <c>h</c> the
/// HMAC-SHA256 of the canonical text (every field but h, in this order, joined by ';' without spaces).
/// </summary>
/// <param name="Sender">The confirming sender's address.</param>
/// <param name="RecipientsHash">Hash of the confirmed recipients.</param>
/// <param name="AttachmentsHash">Hash of the confirmed attachments.</param>
/// <param name="IssuedAt">When the sender confirmed.</param>
/// <param name="KeyId">Which key signed it.</param>
/// <param name="Signature">base64url HMAC; empty before signing.</param>
public sealed record ConfirmationStamp(string Sender, string RecipientsHash, string AttachmentsHash, DateTimeOffset IssuedAt, string KeyId, string Signature)
{
    /// <summary>The only version this code writes and reads.</summary>
    public const string Version = "1";

    /// <summary>The text the signature covers.</summary>
    public string CanonicalText => string.Create(CultureInfo.InvariantCulture,
        $"v={Version};s={Uri.EscapeDataString(Sender)};r={RecipientsHash};a={AttachmentsHash};t={IssuedAt.ToUnixTimeSeconds()};k={KeyId}");

    /// <summary>The header value.</summary>
    public string ToHeaderValue() => CanonicalText.Replace(";", "; ", StringComparison.Ordinal) + "; h=" + Signature;

    /// <summary>Parses a header value; null when it is not a version 1 stamp.</summary>
    public static ConfirmationStamp? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 2048)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !fields.TryAdd(part[..eq], part[(eq + 1)..]))
            {
                return null;
            }
        }

        if (fields.Count != 7
            || !fields.TryGetValue("v", out var version) || version != Version
            || !fields.TryGetValue("s", out var sender)
            || !fields.TryGetValue("r", out var recipients) || !IsBase64Url(recipients)
            || !fields.TryGetValue("a", out var attachments) || !IsBase64Url(attachments)
            || !fields.TryGetValue("t", out var time) || !long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !fields.TryGetValue("k", out var keyId) || keyId.Length is 0 or > 64 || !keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            || !fields.TryGetValue("h", out var signature) || !IsBase64Url(signature)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return null;
        }

        string unescaped;
        try
        {
            unescaped = Uri.UnescapeDataString(sender);
        }
        catch (UriFormatException)
        {
            return null;
        }

        return new ConfirmationStamp(unescaped, recipients, attachments, DateTimeOffset.FromUnixTimeSeconds(seconds), keyId, signature);
    }

    private static bool IsBase64Url(string value) => value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
