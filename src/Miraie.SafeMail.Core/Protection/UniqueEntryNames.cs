namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Hands out entry names that differ from all earlier ones, ignoring case because Windows and macOS file systems
/// do: the second "見積書.xlsx" becomes "見積書 (2).xlsx", as Windows Explorer names copies.
/// </summary>
internal sealed class UniqueEntryNames
{
    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns <paramref name="name"/>, or the first free "stem (n).ext" with n ≥ 2.</summary>
    internal string Reserve(string name)
    {
        if (_taken.Add(name))
        {
            return name;
        }

        var (stem, extension) = EntryNameSanitizer.SplitExtension(name);
        for (var n = 2; ; n++)
        {
            var candidate = $"{stem} ({n}){extension}";
            if (_taken.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
