namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// The stream an archive is written to, with the archive-relative position that ZIP offsets need, and — when the
/// stream can seek — the ability to go back and fill in a local header once an entry's sizes are known.
/// </summary>
internal sealed class ZipOutput(Stream stream)
{
    private readonly long _origin = stream.CanSeek ? stream.Position : 0;

    /// <summary>Bytes written since the archive began.</summary>
    internal long Position { get; private set; }

    /// <summary>True when <see cref="Patch"/> works, so no data descriptors are needed.</summary>
    internal bool CanPatch { get; } = stream.CanSeek;

    internal void Write(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        Position += bytes.Length;
    }

    /// <summary>Overwrites bytes already written at archive offset <paramref name="position"/>.</summary>
    internal void Patch(long position, ReadOnlySpan<byte> bytes)
    {
        stream.Position = _origin + position;
        stream.Write(bytes);
        stream.Position = _origin + Position;
    }
}
