using System.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Header fields as RFC 5322 §2.2 writes them (<c>Name: value</c>, continuation lines starting with white space), in
/// blocks separated by blank lines: the form of a report's machine-readable parts and of a MIME entity's header. Used to
/// make a part prove it is what its Content-Type says before it counts as body.
/// </summary>
internal static class HeaderFields
{
    /// <summary>
    /// The field names (lower case) of each block; null when the bytes are not UTF-8 text or some line is neither a field
    /// nor a continuation. Line ends may be CRLF or LF; blank lines before, between and after blocks are allowed.
    /// </summary>
    public static List<HashSet<string>>? Blocks(ReadOnlySpan<byte> bytes)
    {
        // Control characters other than TAB, CR, LF and ESC (raw ISO-2022-JP, which old Japanese mailers put in headers) mean binary.
        if (!System.Text.Unicode.Utf8.IsValid(bytes) || bytes.IndexOfAnyInRange((byte)0, (byte)8) >= 0
            || bytes.IndexOfAnyInRange((byte)0x0B, (byte)0x0C) >= 0 || bytes.IndexOfAnyInRange((byte)0x0E, (byte)0x1A) >= 0
            || bytes.IndexOfAnyInRange((byte)0x1C, (byte)0x1F) >= 0 || bytes.Contains((byte)0x7F))
        {
            return null;
        }

        var blocks = new List<HashSet<string>>();
        HashSet<string>? current = null;
        foreach (var raw in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                current = null;
            }
            else if (line[0] is ' ' or '\t')
            {
                if (current is null)
                {
                    return null; // a continuation with nothing to continue
                }
            }
            else if (FieldName(line) is { } name)
            {
                if (current is null)
                {
                    current = new HashSet<string>(StringComparer.Ordinal);
                    blocks.Add(current);
                }

                current.Add(name);
            }
            else
            {
                return null;
            }
        }

        return blocks;
    }

    /// <summary>
    /// True when <paramref name="bytes"/> begin with a header block, ended by a blank line, that has a Content-Type field:
    /// a MIME entity, which is what S/MIME signs and encrypts (as opposed to a bare file in a signed .p7m).
    /// </summary>
    public static bool StartsMimeEntity(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(bytes.Length, 64 * 1024)];
        int crlf = head.IndexOf("\n\r\n"u8), lf = head.IndexOf("\n\n"u8);
        var end = crlf < 0 ? lf : lf < 0 ? crlf : Math.Min(crlf, lf);
        return end > 0 && Blocks(head[..(end + 1)]) is [var fields] && fields.Contains("content-type");
    }

    private static string? FieldName(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        for (var i = 0; i < colon; i++)
        {
            if (line[i] is <= ' ' or >= '\x7F')
            {
                return null;
            }
        }

        return line[..colon].ToLowerInvariant();
    }
}
