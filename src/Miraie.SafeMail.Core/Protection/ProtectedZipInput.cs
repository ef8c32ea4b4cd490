namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// A file to put into a password-protected ZIP: a path on disk, or a name and a readable stream (for example a
/// decoded MIME attachment). Nothing is read until <see cref="ProtectedZipWriter.Write"/> runs, and then only in
/// chunks, so a large attachment is never held in memory.
/// </summary>
public sealed class ProtectedZipInput
{
    private readonly string? _path;
    private readonly Stream? _stream;

    private ProtectedZipInput(string name, string? path, Stream? stream, DateTimeOffset? lastModified)
    {
        Name = name;
        _path = path;
        _stream = stream;
        LastModified = lastModified;
    }

    /// <summary>The name as given; the writer cleans it (no folders, no traversal, no device names) before use.</summary>
    public string Name { get; }

    /// <summary>Modification time to record in the ZIP; <c>null</c> records the time the ZIP is written.</summary>
    public DateTimeOffset? LastModified { get; }

    /// <summary>
    /// A file on disk, named after its file name and dated with its last write time. The file is opened when the
    /// ZIP is written and closed right after.
    /// </summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="name">Name inside the ZIP, when it should differ from the file's name.</param>
    public static ProtectedZipInput FromFile(string path, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        DateTimeOffset? modified = info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : null;
        return new ProtectedZipInput(name ?? info.Name, info.FullName, null, modified);
    }

    /// <summary>
    /// Content read from <paramref name="content"/>'s current position to its end. The caller keeps ownership:
    /// the writer neither seeks it back nor disposes it. A seekable stream lets the writer record sizes up front
    /// (and, for ZipCrypto, the CRC), which older unzip tools prefer.
    /// </summary>
    /// <param name="name">File name inside the ZIP, e.g. the attachment's file name.</param>
    /// <param name="content">Readable stream positioned at the first byte of the file.</param>
    /// <param name="lastModified">Modification time to record, e.g. the MIME Content-Disposition modification-date.</param>
    public static ProtectedZipInput FromStream(string name, Stream content, DateTimeOffset? lastModified = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(content));
        }

        return new ProtectedZipInput(name, null, content, lastModified);
    }

    /// <summary>Opens the content; <paramref name="owned"/> says whether the writer must dispose it.</summary>
    internal Stream Open(out bool owned)
    {
        if (_stream is not null)
        {
            owned = false;
            return _stream;
        }

        owned = true;
        return new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }
}
