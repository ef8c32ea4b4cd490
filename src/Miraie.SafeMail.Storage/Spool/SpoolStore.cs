using System.Buffers;
using System.Globalization;

namespace Miraie.SafeMail.Storage.Spool;

/// <summary>
/// The bytes of every accepted message, on disk. Mail to be delivered is appended to segment files — many messages
/// per file, so that one fsync makes a whole batch durable (group commit) — and read back by offset; a segment is
/// deleted once nothing queued refers to it. Quarantined and gateway-generated mail gets a file of its own, kept
/// untouched until released, deleted or purged. Messages still arriving that passed the spill threshold are written to
/// <c>spool/incoming/</c> (private files, deleted once the session has answered; leftovers of a crash are deleted at
/// start). Files are created 0600: they hold customers' mail.
/// Appends happen on one thread (the store writer); reads may happen on any.
/// </summary>
public sealed class SpoolStore : IDisposable
{
    /// <summary>A segment is sealed and a new one started beyond this size.</summary>
    internal const long SegmentLimit = 64L * 1024 * 1024;

    private readonly string _segments;
    private readonly Lock _probing = new();
    private readonly long _segmentLimit;
    private FileStream? _current;
    private string? _currentName;
    private int _sequence;

    /// <summary>Uses <c>spool/</c>, <c>quarantine/</c> and <c>outbound/</c> under <paramref name="dataDirectory"/>.</summary>
    public SpoolStore(string dataDirectory)
        : this(dataDirectory, SegmentLimit)
    {
    }

    internal SpoolStore(string dataDirectory, long segmentLimit)
    {
        _segmentLimit = segmentLimit;
        Root = Path.GetFullPath(dataDirectory);
        _segments = Path.Combine(Root, "spool");
        System.IO.Directory.CreateDirectory(_segments);
        Incoming = Path.Combine(_segments, "incoming");
        System.IO.Directory.CreateDirectory(Incoming);
        foreach (var leftover in System.IO.Directory.EnumerateFiles(Incoming, "*.part"))
        {
            File.Delete(leftover); // a message that was arriving when the process stopped: never acknowledged
        }

        System.IO.Directory.CreateDirectory(Path.Combine(Root, "quarantine"));
        System.IO.Directory.CreateDirectory(Path.Combine(Root, "outbound"));
    }

    /// <summary>The data directory; stored file paths are relative to it.</summary>
    public string Root { get; }

    /// <summary>Where messages being received spill to once past the threshold (one process per data directory: ADR-005).</summary>
    public string Incoming { get; }

    /// <summary>The segment being appended to, if any.</summary>
    public string? CurrentSegment => _currentName;

    /// <summary>
    /// Appends a message (a small header line naming it, for forensics, then its bytes) to the current segment without
    /// syncing; returns the segment and the offset of the bytes. Call <see cref="Sync"/> before telling anyone it is safe.
    /// </summary>
    public (string Segment, long Offset) Append(string id, MessageContent bytes)
    {
        if (_current is null)
        {
            StartSegment();
        }

        var header = System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"#SafeMail {id} {bytes.Length}\r\n"));
        _current!.Write(header);
        var offset = _current.Position;
        bytes.CopyTo(_current);

        _current.Write("\r\n"u8);
        return (_currentName!, offset);
    }

    /// <summary>
    /// Seals the current segment once it is over <see cref="SegmentLimit"/>. The writer calls this between batches,
    /// never inside one: a sealed segment is one whose every message is committed, which is what lets the sweep delete
    /// a sealed segment that no live record names.
    /// </summary>
    public void SealIfFull()
    {
        if (_current is { } current && current.Length > _segmentLimit)
        {
            Seal();
        }
    }

    /// <summary>Closes the current segment; the next append starts a new one. Must run on the writer's thread.</summary>
    internal void Seal()
    {
        _current?.Flush(flushToDisk: true);
        _current?.Dispose();
        _current = null;
        _currentName = null;
    }

    /// <summary>Makes everything appended so far durable (one fsync for the whole batch).</summary>
    public void Sync() => _current?.Flush(flushToDisk: true);

    /// <summary>Opens <paramref name="length"/> bytes of <paramref name="segment"/> from <paramref name="offset"/>, for reading.</summary>
    public Stream OpenSegment(string segment, long offset, long length)
    {
        var file = new FileStream(Path.Combine(_segments, Path.GetFileName(segment)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 64 * 1024, FileOptions.SequentialScan);
        if (offset + length > file.Length)
        {
            file.Dispose();
            throw new InvalidDataException($"segment {segment} is shorter than its index says");
        }

        return new SliceStream(file, offset, length);
    }

    /// <summary>Writes a message to a file of its own under <paramref name="folder"/> and makes it durable; returns its relative path.</summary>
    public string WriteFile(string folder, string id, ReadOnlySequence<byte> bytes) => WriteFile(folder, id, stream =>
    {
        foreach (var segment in bytes)
        {
            stream.Write(segment.Span);
        }
    });

    /// <summary>Writes a received message to a file of its own under <paramref name="folder"/> and makes it durable; returns its relative path.</summary>
    public string WriteFile(string folder, string id, MessageContent bytes) => WriteFile(folder, id, bytes.CopyTo);

    /// <summary>
    /// Writes <paramref name="write"/>'s output to a file named <paramref name="name"/> under <paramref name="folder"/> (in
    /// a folder per day, as messages are) and makes it durable; returns its relative path.
    /// </summary>
    public string WriteNamedFile(string folder, string name, Action<Stream> write) => WriteFile(folder, name, write, extension: "");

    private string WriteFile(string folder, string id, Action<Stream> write, string extension = ".eml")
    {
        var day = DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var directory = Path.Combine(Root, folder, day);
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            FileSync.Directory(Path.Combine(Root, folder));
        }

        var path = Path.Combine(directory, id + extension);
        FileSync.WriteDurably(path, write);
        return Path.GetRelativePath(Root, path);
    }

    /// <summary>Opens a stored message's original bytes, wherever they are kept.</summary>
    public Stream OpenMessage(Messages.MessageRecord message) => message.FilePath is { } path
        ? OpenFile(path)
        : message.Segment is { } segment ? OpenSegment(segment, message.SegmentOffset ?? 0, message.Size)
        : throw new InvalidDataException($"message {message.Id} has no stored bytes (state {message.State})");

    /// <summary>Opens a file written by <c>WriteFile</c>.</summary>
    public Stream OpenFile(string relativePath) =>
        new FileStream(Resolve(relativePath), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);

    /// <summary>Deletes a file written by <c>WriteFile</c>; a missing file is not an error.</summary>
    public void DeleteFile(string relativePath) => File.Delete(Resolve(relativePath));

    /// <summary>Segments other than the current one, oldest first.</summary>
    public IReadOnlyList<string> SealedSegments() => System.IO.Directory.EnumerateFiles(_segments, "seg-*.dat")
        .Select(Path.GetFileName).OfType<string>().Where(n => n != _currentName).Order(StringComparer.Ordinal).ToList();

    /// <summary>Deletes a sealed segment.</summary>
    public void DeleteSegment(string segment)
    {
        if (segment == _currentName)
        {
            throw new InvalidOperationException("the current segment cannot be deleted");
        }

        File.Delete(Path.Combine(_segments, Path.GetFileName(segment)));
    }

    /// <summary>Checks that the spool folder can be written: creates, syncs and deletes a probe file.</summary>
    public void Probe()
    {
        lock (_probing) // the health report and the readiness check probe with one file name
        {
            var probe = Path.Combine(_segments, ".probe");
            FileSync.WriteDurably(probe, s => s.Write("ok"u8));
            File.Delete(probe);
        }
    }

    private string Resolve(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("path outside the data directory: " + relativePath);
        }

        return full;
    }

    private void StartSegment()
    {
        _current?.Flush(flushToDisk: true);
        _current?.Dispose();
        var name = string.Create(CultureInfo.InvariantCulture, $"seg-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Environment.ProcessId}-{_sequence++:D4}.dat");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 256 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _current = new FileStream(Path.Combine(_segments, name), options);
        _currentName = name;
        FileSync.Directory(_segments);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _current?.Flush(flushToDisk: true);
        _current?.Dispose();
    }
}
