namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// LZH is a transparent container (the format has no encryption): each file is decoded (-lh0-, -lh4- to -lh7-),
/// checked against its CRC-16 and inspected; a file packed with a method we do not decode (-lh1-, -lzs-, …) is
/// unknown, naming the method. A damaged archive is unknown, keeping what was read before the damage.
/// </summary>
internal static class LzhInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var listing = LzhArchive.Read(stream, inspector.Limits.MaxEntries, inspector.Context);
        var meter = new ExpansionMeter(inspector.Context, content.Length);
        return await ListedItems.AssessAsync(FileKind.Lzh, "LZH",
            listing.Files.Select(e => new ListedItem(e.Name, e.Size, e.DictionaryBits is null ? $"LZH {e.Method}" : null, () => e.Open(stream))),
            listing.Corruption, site, inspector, meter).ConfigureAwait(false);
    }
}
