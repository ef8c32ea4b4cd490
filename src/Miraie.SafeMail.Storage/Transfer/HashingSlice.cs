using System.Security.Cryptography;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>
/// One message's bytes in a source file (a spool segment or a file of its own), read once from start to end and hashed
/// on the way. Reports its length (PostgreSQL needs a bytea's size before its bytes, and takes it from a seekable
/// stream's length) but reads forward only; a file that ends early stops the copy.
/// </summary>
internal sealed class HashingSlice : Stream
{
    private readonly FileStream _file;
    private readonly long _length;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    public HashingSlice(FileStream file, long start, long length)
    {
        _file = file;
        _length = length;
        _file.Position = start;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            if (value != _position)
            {
                throw new NotSupportedException("read forward only");
            }
        }
    }

    /// <summary>The SHA-256 of the bytes read; throws unless all of them were.</summary>
    public byte[] Sha256() => _position == _length ? _hash.GetCurrentHash() : throw new InvalidDataException($"{_position} of {_length} bytes read");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = _file.Read(buffer[..wanted]);
        return Took(buffer[..read], wanted);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = await _file.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        return Took(buffer.Span[..read], wanted);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("read forward only");

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Took(ReadOnlySpan<byte> read, int wanted)
    {
        if (read.Length == 0 && wanted > 0)
        {
            throw new EndOfStreamException($"the file ends {_length - _position} bytes early");
        }

        _hash.AppendData(read);
        _position += read.Length;
        return read.Length;
    }
}
