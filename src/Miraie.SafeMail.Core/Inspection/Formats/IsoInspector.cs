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
        var nodes = new List<AttachmentNode>(listing.Files.Count);
        foreach (var file in listing.Files)
        {
            inspector.Context.ThrowIfExpired();
            var childSite = site.Child(file.Name);
            nodes.Add(file.Unsupported is { } why
                ? ContentInspector.UnsupportedEntry(childSite, file.Size, why, inspector.Limits)
                : await inspector.ExpandAsync(() => new BoundedReadStream(stream, file.Offset, file.Size), childSite, file.Size, meter).ConfigureAwait(false));
        }

        return listing.Corruption is { } corruption
            ? Assessment.Unknown(FileKind.Iso, UnknownReason.Corrupt, inspector.Limits, $"ISO 9660: {corruption}") with { Children = nodes }
            : Assessment.Transparent(FileKind.Iso, nodes);
    }
}
