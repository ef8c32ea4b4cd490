using System.Buffers;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Decoded bytes of one attachment or archive entry, held in memory while small and spilled to a temporary
/// file (deleted on close) once larger than <see cref="MemoryThreshold"/>, so that inspecting a 20 MB
/// attachment costs a file, not 20 MB of heap per nesting level. Seekable, because archive and PDF readers need it.
/// </summary>
internal sealed class ContentBuffer : IDisposable
{
    /// <summary>Bytes kept in memory before spilling to disk.</summary>
    internal const int MemoryThreshold = 4 * 1024 * 1024;

    /// <summary>Bytes kept aside for sniffing the kind.</summary>
    internal const int HeadSize = 8192;

    private const int ChunkSize = 81920;

    private readonly Stream _stream;

    private ContentBuffer(Stream stream, byte[] head)
    {
        _stream = stream;
        Head = head;
    }

    /// <summary>Total bytes held.</summary>
    public long Length => _stream.Length;

    /// <summary>The first bytes (at most <see cref="HeadSize"/>), for kind detection.</summary>
    public byte[] Head { get; }

    /// <summary>The bytes as a seekable stream, positioned at the start. Only one reader at a time.</summary>
    public Stream OpenRead()
    {
        _stream.Position = 0;
        return new NonClosingStream(_stream);
    }

    /// <summary>Wraps bytes already in memory without copying them.</summary>
    public static ContentBuffer FromBytes(byte[] bytes) =>
        new(new MemoryStream(bytes, writable: false), bytes.AsSpan(0, Math.Min(bytes.Length, HeadSize)).ToArray());

    /// <summary>
    /// Copies <paramref name="source"/> to a new buffer. <paramref name="onChunk"/> sees the running total after each
    /// chunk and may throw (an <see cref="InspectionLimitException"/>) to stop a bomb before it is fully expanded.
    /// </summary>
    public static async Task<ContentBuffer> CopyFromAsync(Stream source, Action<long>? onChunk, CancellationToken cancellationToken)
    {
        using var writer = new ContentBufferWriter();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                onChunk?.Invoke(total);
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return writer.ToBuffer();
    }

    /// <summary>Uses an already seekable stream (a file the caller opened) in place, without copying; the caller keeps it.</summary>
    public static ContentBuffer Borrow(Stream seekable)
    {
        seekable.Position = 0;
        var head = new byte[(int)Math.Min(HeadSize, seekable.Length)];
        seekable.ReadExactly(head);
        seekable.Position = 0;
        return new ContentBuffer(new NonClosingStream(seekable), head);
    }

    /// <summary>Takes ownership of a finished stream; used by <see cref="ContentBufferWriter"/>.</summary>
    internal static ContentBuffer Adopt(Stream stream)
    {
        stream.Position = 0;
        var head = new byte[(int)Math.Min(HeadSize, stream.Length)];
        stream.ReadExactly(head);
        stream.Position = 0;
        return new ContentBuffer(stream, head);
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    /// <summary>Lets a reader library "close" its stream without closing the buffer under it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
