namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>One file a hand-read container lists: its name, size, why it is not read (null when it is) and how to open it.</summary>
internal sealed record ListedItem(string Name, long Size, string? Unsupported, Func<Stream> Open);

/// <summary>
/// What the hand-read containers (tar, LZH, ISO 9660) share once their listing is made: each file is inspected (or
/// unknown, naming what is not read); a file whose data turns out damaged ends the walk; a damaged container is unknown
/// (corrupt) and still carries the items read before the damage, so an executable there is found all the same.
/// </summary>
internal static class ListedItems
{
    public static async Task<Assessment> AssessAsync(FileKind kind, string format, IEnumerable<ListedItem> items, string? corruption, NodeSite site,
        ContentInspector inspector, ExpansionMeter meter)
    {
        var nodes = new List<AttachmentNode>();
        foreach (var item in items)
        {
            inspector.Context.ThrowIfExpired();
            var childSite = site.Child(item.Name);
            if (item.Unsupported is { } why)
            {
                nodes.Add(ContentInspector.UnsupportedEntry(childSite, item.Size, why, inspector.Limits));
                continue;
            }

            try
            {
                nodes.Add(await inspector.ExpandAsync(item.Open, childSite, item.Size, meter).ConfigureAwait(false));
            }
            catch (InvalidDataException e)
            {
                // Bad compressed data or a checksum mismatch: this file and the container are corrupt; the files before it stand.
                nodes.Add(ContentInspector.CorruptEntry(childSite, item.Size, format, inspector.Limits));
                corruption = e.Message;
                break;
            }
        }

        return corruption is not null
            ? Assessment.Unknown(kind, UnknownReason.Corrupt, inspector.Limits, $"{format}: {corruption}") with { Children = nodes }
            : Assessment.Transparent(kind, nodes);
    }
}
