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
        var nodes = new List<AttachmentNode>(listing.Files.Count);
        var corruption = listing.Corruption;
        foreach (var entry in listing.Files)
        {
            inspector.Context.ThrowIfExpired();
            var childSite = site.Child(entry.Name);
            if (entry.DictionaryBits is null)
            {
                nodes.Add(ContentInspector.UnsupportedEntry(childSite, entry.Size, $"LZH {entry.Method}", inspector.Limits));
                continue;
            }

            try
            {
                nodes.Add(await inspector.ExpandAsync(() => entry.Open(stream), childSite, entry.Size, meter).ConfigureAwait(false));
            }
            catch (InvalidDataException e)
            {
                // Bad compressed data or a CRC mismatch: this file and the archive are corrupt; the files before it stand.
                nodes.Add(ContentInspector.CorruptEntry(childSite, entry.Size, "LZH", inspector.Limits));
                corruption = e.Message;
                break;
            }
        }

        return corruption is not null
            ? Assessment.Unknown(FileKind.Lzh, UnknownReason.Corrupt, inspector.Limits, $"LZH: {corruption}") with { Children = nodes }
            : Assessment.Transparent(FileKind.Lzh, nodes);
    }
}
