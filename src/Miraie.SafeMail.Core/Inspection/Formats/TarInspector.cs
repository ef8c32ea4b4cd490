namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// tar is a transparent container: each member a tool would extract as a file is inspected, sparse files rebuilt
/// to their real content. A damaged archive is unknown, but the members read before the damage are still inspected
/// and listed, so an executable in it is found all the same.
/// </summary>
internal static class TarInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var listing = TarArchive.Read(stream, inspector.Limits.MaxEntries, inspector.Context);

        // Stored members cannot expand beyond the archive, but sparse ones can (a 1 KB member may claim 1 TB of holes).
        var meter = new ExpansionMeter(inspector.Context, content.Length);
        return await ListedItems.AssessAsync(FileKind.Tar, "tar",
            listing.Files.Select(m => new ListedItem(m.Name, m.Size, m.Unsupported, () => m.Open(stream))),
            listing.Corruption, site, inspector, meter).ConfigureAwait(false);
    }
}
