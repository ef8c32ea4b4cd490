namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// A forward-only, read-only stream over in-memory or seekable sources: subclasses implement <see cref="Read(Span{byte})"/>
/// over the <see cref="Inner"/> stream they own (disposed with them), if any; reads complete synchronously, which is
/// what the inspector's sources (memory, a local file) allow.
/// </summary>
internal abstract class ReadOnlyStream(Stream? inner = null) : Stream
{
    /// <summary>The stream this one reads from and disposes.</summary>
    protected Stream Inner => inner ?? throw new InvalidOperationException("no inner stream");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
