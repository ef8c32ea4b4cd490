namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// A cabinet is a transparent container (the format has no encryption): the files of folders stored plain or with
/// MSZIP are decoded and inspected; files in LZX or Quantum folders are unknown, naming the method. A damaged
/// cabinet is unknown, keeping what was read before the damage; one of a multi-cabinet set is unknown (unsupported).
/// </summary>
internal static class CabInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        CabArchive cabinet;
        try
        {
            cabinet = CabArchive.Read(stream, inspector.Limits.MaxEntries);
        }
        catch (NotSupportedException unsupported)
        {
            return Assessment.Unknown(FileKind.Cab, UnknownReason.Unsupported, inspector.Limits, $"CAB: {unsupported.Message}");
        }

        var cursors = new Dictionary<int, FolderCursor>();
        try
        {
            return await InspectFilesAsync(cabinet, stream, site, inspector, cursors).ConfigureAwait(false);
        }
        finally
        {
            foreach (var cursor in cursors.Values)
            {
                cursor.Dispose();
            }
        }
    }

    private static async Task<Assessment> InspectFilesAsync(CabArchive cabinet, Stream stream, NodeSite site, ContentInspector inspector, Dictionary<int, FolderCursor> cursors)
    {
        var meter = new ExpansionMeter(inspector.Context, stream.Length);
        var nodes = new List<AttachmentNode>(cabinet.Files.Count);
        foreach (var file in cabinet.Files)
        {
            inspector.Context.ThrowIfExpired();
            var childSite = site.Child(file.Name);
            var folder = cabinet.Folders[file.Folder];
            if (folder.Unsupported is { } method)
            {
                nodes.Add(ContentInspector.UnsupportedEntry(childSite, file.Size, $"CAB {method}", inspector.Limits));
                continue;
            }

            if (!cursors.TryGetValue(file.Folder, out var cursor))
            {
                cursors[file.Folder] = cursor = new FolderCursor(stream, folder, skipped => Charge(inspector.Context, meter, skipped));
            }

            try
            {
                nodes.Add(await inspector.ExpandAsync(() => cursor.Open(file.FolderOffset, file.Size), childSite, file.Size, meter).ConfigureAwait(false));
            }
            catch (InvalidDataException e)
            {
                nodes.Add(ContentInspector.CorruptEntry(childSite, file.Size, "CAB", inspector.Limits));
                return Assessment.Unknown(FileKind.Cab, UnknownReason.Corrupt, inspector.Limits, $"CAB: {e.Message}") with { Children = nodes };
            }
        }

        return Assessment.Transparent(FileKind.Cab, nodes);
    }

    private static void Charge(InspectionContext context, ExpansionMeter meter, long bytes)
    {
        context.ChargeExpansion(bytes);
        meter.Add(bytes);
    }

    /// <summary>
    /// Reads one folder front to back across its files (cabinets list them in folder order). A file that starts
    /// before the current position makes it decode the folder again from the start; every byte decoded but not
    /// part of the file being read is charged to the limits, so overlapping files cannot buy free work.
    /// </summary>
    private sealed class FolderCursor(Stream archive, CabFolder folder, Action<long> chargeSkipped) : IDisposable
    {
        private CabFolderStream? _stream;
        private long _position;

        public Stream Open(long offset, long length)
        {
            if (_stream is null || offset < _position)
            {
                _stream?.Dispose();
                _stream = new CabFolderStream(archive, folder);
                _position = 0;
            }

            var skip = offset - _position;
            if (skip > 0)
            {
                chargeSkipped(skip);
                Skip(skip);
            }

            return new SliceStream(this, length);
        }

        public void Dispose() => _stream?.Dispose();

        private void Skip(long count)
        {
            var buffer = new byte[8192];
            while (count > 0)
            {
                var read = _stream!.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, count)));
                if (read == 0)
                {
                    throw new InvalidDataException("a file starts past the end of its folder");
                }

                count -= read;
                _position += read;
            }
        }

        private int ReadUpTo(Span<byte> buffer)
        {
            var read = _stream!.Read(buffer);
            _position += read;
            return read;
        }

        /// <summary>A file's bytes from the folder stream: exactly its length, or corrupt.</summary>
        private sealed class SliceStream(FolderCursor cursor, long length) : ReadOnlyStream
        {
            private long _left = length;

            public override int Read(Span<byte> buffer)
            {
                if (_left == 0 || buffer.IsEmpty)
                {
                    return 0;
                }

                var read = cursor.ReadUpTo(buffer[..(int)Math.Min(buffer.Length, _left)]);
                if (read == 0)
                {
                    throw new InvalidDataException("a file runs past the end of its folder");
                }

                _left -= read;
                return read;
            }
        }
    }
}
