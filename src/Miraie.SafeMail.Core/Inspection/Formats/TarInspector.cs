using System.Formats.Tar;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>tar is a transparent container: each regular file inside is inspected.</summary>
internal static class TarInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        var nodes = new List<AttachmentNode>();
        using var stream = content.OpenRead();
        await using var reader = new TarReader(stream, leaveOpen: true);
        var meter = new ExpansionMeter(inspector.Context, long.MaxValue / 2); // tar does not compress: no ratio to watch
        while (await reader.GetNextEntryAsync(copyData: false, inspector.Context.Token).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
            {
                continue;
            }

            if (nodes.Count >= inspector.Limits.MaxEntries)
            {
                throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {inspector.Limits.MaxEntries} entries");
            }

            var data = entry.DataStream;
            var childSite = site.Child(entry.Name);
            nodes.Add(data is null
                ? await inspector.ExpandAsync(() => Stream.Null, childSite, 0, meter).ConfigureAwait(false)
                : await inspector.ExpandAsync(() => new NonDisposingStream(data), childSite, entry.Length, meter).ConfigureAwait(false));
        }

        return Assessment.Transparent(FileKind.Tar, nodes);
    }

    /// <summary>The tar reader owns its entry streams; the expander must not close them.</summary>
    private sealed class NonDisposingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
