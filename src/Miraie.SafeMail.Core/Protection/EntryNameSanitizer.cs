using System.Globalization;
using System.Text;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Turns an attachment's name into a safe, flat ZIP entry name that Windows, macOS and Linux can all create:
/// folders and drive letters dropped (so no entry can climb out of the extraction folder), characters Windows
/// forbids replaced, invisible direction marks removed (they disguise <c>txt.exe</c> as <c>exe.txt</c>),
/// Japanese kept and composed to NFC (macOS hands out decomposed kana: か + ゛).
/// </summary>
internal static class EntryNameSanitizer
{
    /// <summary>
    /// Longest name kept, in UTF-16 code units. Windows allows 255 per path component; the rest leaves room for the
    /// " (12)" that de-duplication may add.
    /// </summary>
    internal const int MaxLength = 200;

    private const char Replacement = '_';

    private static readonly string[] ReservedDeviceNames =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];

    /// <summary>
    /// The cleaned name, or <c>null</c> when nothing usable is left (empty, only dots, only separators or
    /// spaces).
    /// </summary>
    internal static string? Sanitize(string rawName)
    {
        ArgumentNullException.ThrowIfNull(rawName);

        var name = LastPathSegment(ReplaceLoneSurrogates(rawName)).Normalize(NormalizationForm.FormC);
        name = StripDriveLetter(name);

        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (IsInvisibleFormatting(c))
            {
                continue;
            }

            builder.Append(IsForbidden(c) ? Replacement : c);
        }

        // Windows drops trailing dots and spaces silently, which would let "a.exe." land as "a.exe".
        name = builder.ToString().Trim().TrimEnd('.', ' ', '\u3000').Trim();
        if (name.Length == 0 || name.All(c => c == '.'))
        {
            return null;
        }

        if (IsReservedDeviceName(name))
        {
            name = Replacement + name;
        }

        return Truncate(name);
    }

    private static string ReplaceLoneSurrogates(string value)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var paired = char.IsHighSurrogate(c) ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(value[i - 1]));
            if (!paired)
            {
                builder ??= new StringBuilder(value);
                builder[i] = Replacement;
            }
        }

        return builder?.ToString() ?? value;
    }

    private static string LastPathSegment(string value)
    {
        var cut = value.LastIndexOfAny(['/', '\\']);
        return cut < 0 ? value : value[(cut + 1)..];
    }

    private static string StripDriveLetter(string value) =>
        value.Length >= 2 && value[1] == ':' && char.IsAsciiLetter(value[0]) ? value[2..] : value;

    private static bool IsForbidden(char c) =>
        c < 0x20 || c is '\u007f' or '<' or '>' or ':' or '"' or '|' or '?' or '*' || (c >= '\u0080' && c <= '\u009f');

    private static bool IsInvisibleFormatting(char c) =>
        c is '\u200e' or '\u200f' or '\u061c' or '\ufeff' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');

    private static bool IsReservedDeviceName(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var stem = (dot < 0 ? name : name[..dot]).TrimEnd();
        return ReservedDeviceNames.Contains(stem, StringComparer.OrdinalIgnoreCase);
    }

    private static string Truncate(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var (stem, extension) = SplitExtension(name);
        if (extension.Length > MaxLength / 4)
        {
            // Too long to be a real extension: cut the name as a whole.
            (stem, extension) = (name, string.Empty);
        }

        var keep = MaxLength - extension.Length;
        // Cut on a text-element boundary so that no surrogate pair or combining sequence is split.
        var starts = StringInfo.ParseCombiningCharacters(stem);
        var end = 0;
        for (var i = 0; i < starts.Length; i++)
        {
            var next = i + 1 < starts.Length ? starts[i + 1] : stem.Length;
            if (next > keep)
            {
                break;
            }

            end = next;
        }

        return string.Concat(stem.AsSpan(0, end).TrimEnd(), extension);
    }

    /// <summary>
    /// Splits "見積書.xlsx" into ("見積書", ".xlsx"). A leading dot is part of the stem (".profile" has no
    /// extension).
    /// </summary>
    internal static (string Stem, string Extension) SplitExtension(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? (name, string.Empty) : (name[..dot], name[dot..]);
    }
}
