namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// An ISO image is a transparent container (ISO 9660 has no encryption): every file its directories list is
/// inspected. A UDF-only image is unknown (unsupported); a damaged one is unknown, keeping what was read before.
/// </summary>
internal static class IsoInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var listing = IsoImage.Read(stream, inspector.Limits.MaxEntries, inspector.Context);
        if (listing.Unsupported is { } unsupported)
        {
            return Assessment.Unknown(FileKind.Iso, UnknownReason.Unsupported, inspector.Limits, unsupported);
        }

        // Files are stored, but many records may point at the same extent: the ratio limit stops that multiplying.
        var meter = new ExpansionMeter(inspector.Context, content.Length);
        return await ListedItems.AssessAsync(FileKind.Iso, "ISO 9660",
            listing.Files.Select(f => new ListedItem(f.Name, f.Size, f.Unsupported, () => new BoundedReadStream(stream, f.Offset, f.Size))),
            listing.Corruption, site, inspector, meter).ConfigureAwait(false);
    }
}
