namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Rebuilds a sparse file: the stored chunks, read one after another from <c>stored</c>, placed at their offsets, and
/// zeros everywhere else up to the real size. The chunks are checked (in order, inside the file) before this is made.
/// </summary>
internal sealed class SparseReadStream(Stream source, IReadOnlyList<SparseChunk> chunks, long size) : ReadOnlyStream(source)
{
    private long _position;
    private int _chunk;

    public override int Read(Span<byte> buffer)
    {
        if (_position >= size || buffer.IsEmpty)
        {
            return 0;
        }

        while (_chunk < chunks.Count && chunks[_chunk].Offset + chunks[_chunk].Length <= _position)
        {
            _chunk++;
        }

        var want = (int)Math.Min(buffer.Length, size - _position);
        if (_chunk < chunks.Count && chunks[_chunk].Offset <= _position)
        {
            // Inside a stored chunk: its bytes come next in the stored stream.
            var inChunk = (int)Math.Min(want, chunks[_chunk].Offset + chunks[_chunk].Length - _position);
            var read = Inner.Read(buffer[..inChunk]);
            if (read == 0)
            {
                throw new InvalidDataException("sparse file: stored data ends early");
            }

            _position += read;
            return read;
        }

        // In a hole: zeros up to the next chunk (or the end).
        var next = _chunk < chunks.Count ? chunks[_chunk].Offset : size;
        var zeros = (int)Math.Min(want, next - _position);
        buffer[..zeros].Clear();
        _position += zeros;
        return zeros;
    }
}
