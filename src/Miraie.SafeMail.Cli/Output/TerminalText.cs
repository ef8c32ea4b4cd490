using System.Globalization;

namespace Miraie.SafeMail.Cli.Output;

/// <summary>Text from mail shown in a terminal: control and bidi characters become code points so nothing can rewrite the screen.</summary>
internal static class TerminalText
{
    public static string Safe(string text) => string.Concat(text.Select(c =>
        char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
            ? string.Create(CultureInfo.InvariantCulture, $"<U+{(int)c:X4}>")
            : c.ToString()));
}
