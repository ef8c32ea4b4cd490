using System.Security.Cryptography;
using System.Text;

namespace Miraie.SafeMail.Core.Confirmation;

/// <summary>
/// The hashes a stamp binds. Both sides (the add-in backend and the gateway) must compute them the same way:
/// recipients are trimmed, lower-cased, de-duplicated and sorted ordinally, joined by LF; attachments are the
/// lower-case hex SHA-256 of each attachment's decoded bytes, sorted, joined by LF. Each list's SHA-256 is written
/// as unpadded base64url. Names are deliberately left out: the bytes are what leaves the company.
/// </summary>
public static class ConfirmationFingerprint
{
    /// <summary>Hash of the recipient set (To, Cc and Bcc as the envelope carries them).</summary>
    public static string Recipients(IEnumerable<string> addresses) => Hash(
        addresses.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal));

    /// <summary>Hash of the attachment set, from each attachment's SHA-256 in hex.</summary>
    public static string Attachments(IEnumerable<string> sha256Hex) => Hash(sha256Hex.Select(h => h.Trim().ToLowerInvariant()));

    /// <summary>SHA-256 of one attachment's bytes, as the attachment list expects it.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Hash(IEnumerable<string> items)
    {
        var canonical = string.Join('\n', items.Order(StringComparer.Ordinal));
        return Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
