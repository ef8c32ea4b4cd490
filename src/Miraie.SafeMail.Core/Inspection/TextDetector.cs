namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Tells text from binary by looking at bytes: a BOM, or no NULs and few control characters with a byte pattern
/// valid in UTF-8, Shift_JIS, EUC-JP or ISO-2022-JP — the encodings Japanese business files arrive in.
/// </summary>
internal static class TextDetector
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    /// <summary>The encoding name when <paramref name="head"/> reads as text, otherwise null.</summary>
    public static string? Detect(ReadOnlySpan<byte> head, long length)
    {
        if (head.StartsWith(Utf8Bom))
        {
            return "UTF-8";
        }

        if (head.StartsWith(Utf16LeBom) || head.StartsWith(Utf16BeBom))
        {
            return "UTF-16";
        }

        var controls = 0;
        var high = 0;
        var escape = false;
        foreach (var b in head)
        {
            switch (b)
            {
                case 0:
                    return null;
                case 0x1B:
                    escape = true;
                    break;
                case < 0x20 when b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C):
                case 0x7F:
                    controls++;
                    break;
                case >= 0x80:
                    high++;
                    break;
            }
        }

        if (controls * 100 > head.Length)
        {
            return null;
        }

        if (high == 0)
        {
            return escape ? "ISO-2022-JP" : "ASCII";
        }

        // A multi-byte character may be cut at the end of the sample; only then is a trailing partial sequence fine.
        var truncated = head.Length < length;
        if (IsUtf8(head, truncated))
        {
            return "UTF-8";
        }

        // EUC-JP first: its byte ranges are narrower, so EUC-JP text also reads as valid Shift_JIS but rarely the reverse.
        if (IsEucJp(head, truncated))
        {
            return "EUC-JP";
        }

        if (IsShiftJis(head, truncated))
        {
            return "Shift_JIS";
        }

        // Single-byte Western text (Windows-1252) still reads as text when high bytes are a minority.
        return high * 4 < head.Length ? "8-bit" : null;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes, bool truncated)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            int extra;
            if (b < 0x80)
            {
                i++;
                continue;
            }
            else if (b is >= 0xC2 and <= 0xDF)
            {
                extra = 1;
            }
            else if (b is >= 0xE0 and <= 0xEF)
            {
                extra = 2;
            }
            else if (b is >= 0xF0 and <= 0xF4)
            {
                extra = 3;
            }
            else
            {
                return false;
            }

            if (i + extra >= bytes.Length)
            {
                return truncated;
            }

            for (var k = 1; k <= extra; k++)
            {
                if ((bytes[i + k] & 0xC0) != 0x80)
                {
                    return false;
                }
            }

            i += extra + 1;
        }

        return true;
    }

    private static bool IsShiftJis(ReadOnlySpan<byte> bytes, bool truncated)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80 || b is >= 0xA1 and <= 0xDF)
            {
                i++;
                continue;
            }

            if (b is not ((>= 0x81 and <= 0x9F) or (>= 0xE0 and <= 0xFC)))
            {
                return false;
            }

            if (i + 1 >= bytes.Length)
            {
                return truncated;
            }

            var t = bytes[i + 1];
            if (t is not ((>= 0x40 and <= 0x7E) or (>= 0x80 and <= 0xFC)))
            {
                return false;
            }

            i += 2;
        }

        return true;
    }

    private static bool IsEucJp(ReadOnlySpan<byte> bytes, bool truncated)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                i++;
                continue;
            }

            var width = b == 0x8F ? 3 : 2;
            if (b is not (0x8E or 0x8F or (>= 0xA1 and <= 0xFE)))
            {
                return false;
            }

            if (i + width > bytes.Length)
            {
                return truncated;
            }

            for (var k = 1; k < width; k++)
            {
                if (bytes[i + k] is < 0xA1 or > 0xFE)
                {
                    return false;
                }
            }

            i += width;
        }

        return true;
    }
}
