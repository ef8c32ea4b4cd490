using System.Globalization;
using System.Text;

namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>
/// Mail-supplied text made safe to look at: Razor already HTML-encodes it; this also shows bidirectional controls and
/// other invisible format characters as visible code points (<c>[U+202E]</c>), so "exe.pdf" spelt backwards with RLO
/// cannot pass for a PDF, and control characters cannot break the page.
/// </summary>
public static class DisplayText
{
    /// <summary>The text with every control or format character made visible.</summary>
    public static string Inert(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder? built = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var category = char.GetUnicodeCategory(c);
            var hidden = category is UnicodeCategory.Format or UnicodeCategory.Control && c is not '\n' and not '\t';
            if (hidden)
            {
                built ??= new StringBuilder(text, 0, i, text.Length + 16);
                built.Append(CultureInfo.InvariantCulture, $"[U+{(int)c:X4}]");
            }
            else
            {
                built?.Append(c);
            }
        }

        return built?.ToString() ?? text;
    }
}
