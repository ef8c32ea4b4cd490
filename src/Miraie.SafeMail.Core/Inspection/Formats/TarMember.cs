namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// A tar member whose content a tool would extract as a file: its decoded name, where its stored bytes are, and
/// for a sparse file the map that spreads them over its real size.
/// </summary>
/// <param name="Name">The path as a user sees it (pax path, GNU long name or ustar prefix + name).</param>
/// <param name="DataOffset">Where the stored bytes start in the archive.</param>
/// <param name="StoredSize">How many bytes are stored.</param>
/// <param name="Size">The file's real size (larger than the stored size for a sparse file).</param>
/// <param name="Sparse">The data chunks of a sparse file, in order; null for an ordinary file.</param>
/// <param name="Unsupported">Set when the member cannot be inspected, naming why (a GNU multi-volume continuation).</param>
internal sealed record TarMember(string Name, long DataOffset, long StoredSize, long Size, IReadOnlyList<SparseChunk>? Sparse, string? Unsupported = null)
{
    /// <summary>The file's content: the stored bytes, or for a sparse file the bytes with its holes filled with zeros.</summary>
    public Stream Open(Stream archive) => Sparse is null
        ? new BoundedReadStream(archive, DataOffset, StoredSize)
        : new SparseReadStream(new BoundedReadStream(archive, DataOffset, StoredSize), Sparse, Size);
}
