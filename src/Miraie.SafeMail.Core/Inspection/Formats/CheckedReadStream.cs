using System.IO.Hashing;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Passes decompressed bytes through and, at the end, compares their CRC-32 and length with what the archive
/// states: a flipped byte or a cut stream is a corrupt archive, whose content is then unknown rather than trusted.
/// </summary>
internal sealed class CheckedReadStream(Stream inner, uint expectedCrc, long expectedLength) : Stream
{
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Account(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Account(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            _crc.Append(data);
            _length += data.Length;
            return;
        }

        if (!_checked)
        {
            _checked = true;
            if (_length != expectedLength)
            {
                throw new InvalidDataException($"entry is {_length} bytes, the archive says {expectedLength}");
            }

            if (_crc.GetCurrentHashAsUInt32() != expectedCrc)
            {
                throw new InvalidDataException("CRC-32 mismatch");
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
