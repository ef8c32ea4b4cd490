using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// OpenPGP ASCII armor (RFC 9580 §6.2) for a whole file or part: a <c>-----BEGIN PGP MESSAGE-----</c> or
/// <c>-----BEGIN PGP SIGNATURE-----</c> line, armor header lines, a blank line, base64, an optional <c>=XXXX</c> checksum
/// line (not checked: RFC 9580 §6.1 says a receiver must not reject on it), and the matching END line, with nothing but
/// white space around them. Inline PGP inside a longer text is not this: that text is body text.
/// </summary>
internal static class OpenPgpArmor
{
    private static readonly string[] Labels = ["PGP MESSAGE", "PGP SIGNATURE"];

    /// <summary>True when <paramref name="head"/> starts (after white space) with the BEGIN line of a message or signature.</summary>
    public static bool StartsArmored(ReadOnlySpan<byte> head)
    {
        var text = head.TrimStart("\uFEFF"u8).TrimStart(" \t\r\n"u8);
        return text.StartsWith("-----BEGIN PGP MESSAGE-----"u8) || text.StartsWith("-----BEGIN PGP SIGNATURE-----"u8);
    }

    /// <summary>The binary packets inside the armor; null when it is not well-formed armor of a message or signature.</summary>
    public static byte[]? Decode(ReadOnlySpan<byte> armored)
    {
        if (!System.Text.Unicode.Utf8.IsValid(armored))
        {
            return null;
        }

        var lines = Encoding.UTF8.GetString(armored).TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')).ToList();
        var i = 0;
        while (i < lines.Count && lines[i].Length == 0)
        {
            i++;
        }

        var label = i < lines.Count ? Labels.FirstOrDefault(l => lines[i] == $"-----BEGIN {l}-----") : null;
        if (label is null)
        {
            return null;
        }

        // Armor headers ("Version: …", "Comment: …") end at a blank line.
        for (i++; i < lines.Count && lines[i].Length > 0 && lines[i].Contains(": ", StringComparison.Ordinal); i++)
        {
        }

        if (i < lines.Count && lines[i].Length == 0)
        {
            i++;
        }

        var base64 = new StringBuilder();
        for (; i < lines.Count && !lines[i].StartsWith('=') && !lines[i].StartsWith("-----", StringComparison.Ordinal); i++)
        {
            base64.Append(lines[i]);
        }

        if (i < lines.Count && lines[i].StartsWith('='))
        {
            i++; // the CRC-24 line
        }

        if (i >= lines.Count || lines[i] != $"-----END {label}-----" || lines.Skip(i + 1).Any(l => l.Length > 0) || base64.Length == 0)
        {
            return null;
        }

        var bytes = new byte[base64.Length / 4 * 3];
        return Convert.TryFromBase64String(base64.ToString(), bytes, out var written) ? bytes[..written] : null;
    }
}
