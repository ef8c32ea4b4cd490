using System.Globalization;
using System.Text;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Writes the fields of a <c>message/delivery-status</c> body. RFC 3464 requires that body to be 7-bit, so every value is
/// reduced to printable ASCII here, folded at spaces, and bounded so no line passes RFC 5322's 998 octets. The raw value
/// is set directly: MimeKit would otherwise RFC 2047-encode long words, which report readers do not decode.
/// </summary>
internal static class DeliveryStatusFields
{
    /// <summary>Longest value kept (characters after escaping); a reply longer than this is cut and marked with "...".</summary>
    public const int MaxValueLength = 900;

    private const int FoldAt = 78;

    /// <summary>A field whose value is already safe ASCII text (see <see cref="Text"/>), folded at spaces.</summary>
    public static Header Field(string name, string value)
    {
        var header = new Header(name, "-");
        header.SetRawValue(Encoding.ASCII.GetBytes(Fold(name, value)));
        return header;
    }

    /// <summary>
    /// An address with its type: <c>rfc822; tanaka@example.co.jp</c>, or for an internationalised address RFC 6533's
    /// <c>utf-8; 山田@…</c> form with each non-ASCII character written as <c>\x{5C71}</c>.
    /// </summary>
    public static string Address(string address)
    {
        var trimmed = address.Trim().TrimStart('<').TrimEnd('>');
        return trimmed.All(c => c is > ' ' and < '\u007F')
            ? Bound("rfc822; " + trimmed)
            : Bound("utf-8; " + EmbeddedUnicode(trimmed, escapeAscii: c => c is '+' or '=' or '\\' or <= ' ' or '\u007F'));
    }

    /// <summary>A host name as an MTA name: <c>dns; mx1.partner.example.com</c>.</summary>
    public static string Mta(string host) => Bound("dns; " + Text(host).Replace(" ", "", StringComparison.Ordinal));

    /// <summary>
    /// Free text (a server's reply) as one printable-ASCII line: line breaks and controls become spaces, runs of space
    /// collapse, non-ASCII characters are written <c>\x{HEX}</c> (RFC 6533's notation) so nothing is lost.
    /// </summary>
    public static string Text(string text)
    {
        var builder = new StringBuilder(text.Length);
        var lastWasSpace = true;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is <= 0x20 or 0x7F || Rune.IsControl(rune) || Rune.IsWhiteSpace(rune))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            if (rune.Value < 0x7F)
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{{{rune.Value:X2}}}");
            }
        }

        return Bound(builder.ToString().TrimEnd());
    }

    private static string EmbeddedUnicode(string text, Func<char, bool> escapeAscii)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value < 0x80 && !escapeAscii((char)rune.Value))
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{{{rune.Value:X2}}}");
            }
        }

        return builder.ToString();
    }

    private static string Bound(string value) =>
        value.Length <= MaxValueLength ? value : string.Concat(value.AsSpan(0, MaxValueLength - 3), "...");

    /// <summary>
    /// The raw value MimeKit writes after "Name:": a leading space, lines broken before a space once they pass
    /// <see cref="FoldAt"/> columns, CRLF at the end. A word longer than a line stays whole (bounded by <see cref="MaxValueLength"/>).
    /// </summary>
    private static string Fold(string name, string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        var column = name.Length + 1;
        var first = true;
        foreach (var word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!first && column + 1 + word.Length > FoldAt)
            {
                builder.Append("\r\n");
                column = 0;
            }

            builder.Append(' ').Append(word);
            column += 1 + word.Length;
            first = false;
        }

        return builder.Append("\r\n").ToString();
    }
}
