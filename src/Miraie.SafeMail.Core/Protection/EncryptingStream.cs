namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Write-only stream between the deflater (or the plain copy) and the archive: encrypts what it is given, in
/// chunks through a private buffer, and counts it so the entry's compressed size is known.
/// </summary>
internal sealed class EncryptingStream(EntryCipher cipher, ZipOutput output) : Stream
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>Data bytes written, without the cipher's header and trailer.</summary>
    internal long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _buffer.Length);
            var chunk = _buffer.AsSpan(0, n);
            buffer[..n].CopyTo(chunk);
            cipher.Encrypt(chunk);
            output.Write(chunk);
            BytesWritten += n;
            buffer = buffer[n..];
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
