namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// The numeric fields of a tar header in every form GNU tar reads (its <c>from_header</c>): octal digits with
/// leading blanks and a space or NUL after them, base-256 (first byte 0x80 for a positive and 0xFF for a negative
/// two's-complement number: GNU and star write it for sizes over 8 GiB, uids over 2,097,151, times before 1970 or
/// after 2242) and the base-64 form GNU tar 1.13 wrote (a leading '+' or '-'). Only the fields the inspector needs
/// are read (size, checksum, sparse maps): a uid or a time that no tool would choke on never makes an archive corrupt.
/// </summary>
internal static class TarFields
{
    public const int BlockSize = 512;

    private const string Base64Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Reads a numeric field. False for blanks, a stray character, or a value outside <see cref="long"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.IsEmpty)
        {
            return false;
        }

        if (field[0] is 0x80 or 0xFF)
        {
            return TryParseBase256(field, out value);
        }

        var i = 0;
        while (i < field.Length && field[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f')
        {
            i++;
        }

        if (i < field.Length && field[i] is (byte)'+' or (byte)'-')
        {
            return TryParseBase64(field[i..], out value);
        }

        var digits = 0;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++, digits++)
        {
            if (value > (long.MaxValue >> 3))
            {
                return false;
            }

            value = (value << 3) | (long)(field[i] - '0');
        }

        // After the digits only a terminator (and padding) may follow.
        return digits > 0 && (i == field.Length || field[i] is 0 or (byte)' ');
    }

    /// <summary>A size or offset: a number that cannot be negative.</summary>
    public static bool TryParseSize(ReadOnlySpan<byte> field, out long value) => TryParse(field, out value) && value >= 0;

    private static bool TryParseBase256(ReadOnlySpan<byte> field, out long value)
    {
        var negative = field[0] == 0xFF;
        value = negative ? -1 : 0; // the first byte's low bits are all ones (negative) or zeros (positive)
        for (var i = 1; i < field.Length; i++)
        {
            // The value must stay representable: the top byte about to be shifted out must be pure sign.
            if ((value >> 55) is not (0 or -1))
            {
                return false;
            }

            value = (value << 8) | field[i];
        }

        return (value < 0) == negative;
    }

    private static bool TryParseBase64(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        var negative = field[0] == (byte)'-';
        var digits = 0;
        var i = 1;
        for (; i < field.Length; i++, digits++)
        {
            var digit = Base64Digits.IndexOf((char)field[i], StringComparison.Ordinal);
            if (digit < 0 || field[i] == 0)
            {
                break;
            }

            if (value > (long.MaxValue >> 6))
            {
                return false;
            }

            value = (value << 6) | (long)digit;
        }

        value = negative ? -value : value;
        return digits > 0 && (i == field.Length || field[i] is 0 or (byte)' ');
    }

    /// <summary>
    /// True when the header block's checksum field matches its bytes, summed with the field itself as spaces, either
    /// as unsigned bytes (POSIX) or as signed ones (what old Sun and BSD tars computed; GNU tar accepts both).
    /// </summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        if (!TryParse(header.Slice(148, 8), out var stated))
        {
            return false;
        }

        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        return stated == unsigned || stated == signed;
    }

    /// <summary>The bytes of a NUL-terminated (or full-width) text field.</summary>
    public static ReadOnlySpan<byte> Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return end < 0 ? field : field[..end];
    }

    /// <summary>Bytes rounded up to whole blocks.</summary>
    public static long Padded(long size) => size > long.MaxValue - BlockSize ? long.MaxValue : (size + BlockSize - 1) / BlockSize * BlockSize;
}
