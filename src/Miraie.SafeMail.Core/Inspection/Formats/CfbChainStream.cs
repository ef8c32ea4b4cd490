namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// A compound-file stream in regular sectors, read forward one sector at a time by following the FAT: a large stream
/// (an attachment in a .msg) is never held in memory. A chain that ends early or loops is <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class CfbChainStream : Stream
{
    private readonly Stream _source;
    private readonly uint[] _fat;
    private readonly long _end;
    private readonly byte[] _sector;
    private uint _current;
    private long _position;
    private int _offset;
    private int _sectorsRead;
    private int _skipInSector;

    /// <summary>Reads bytes [<paramref name="from"/>, <paramref name="end"/>) of the chain starting at <paramref name="start"/>.</summary>
    public CfbChainStream(Stream source, int sectorSize, uint[] fat, uint start, long from, long end)
    {
        _source = source;
        _fat = fat;
        _end = end;
        _sector = new byte[sectorSize];
        _offset = _sector.Length;
        _position = from;
        _current = start;
        for (var skip = from / _sector.Length; skip > 0; skip--)
        {
            // Follows the FAT without reading the sectors it passes.
            if (_current > CompoundFile.MaxRegularSector || ++_sectorsRead > fat.Length)
            {
                throw new InvalidDataException("CFB stream chain ends early or loops");
            }

            _current = _current < fat.Length ? fat[_current] : CompoundFile.EndOfChain;
        }

        _skipInSector = (int)(from % _sector.Length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _end;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _end || buffer.IsEmpty)
        {
            return 0;
        }

        if (_offset == _sector.Length)
        {
            if (_current > CompoundFile.MaxRegularSector || ++_sectorsRead > _fat.Length)
            {
                throw new InvalidDataException("CFB stream chain ends early or loops");
            }

            CompoundFile.ReadSector(_source, _sector.Length, _current, _sector);
            _current = _current < _fat.Length ? _fat[_current] : CompoundFile.EndOfChain;
            _offset = _skipInSector;
            _skipInSector = 0;
        }

        var count = (int)Math.Min(Math.Min(buffer.Length, _sector.Length - _offset), _end - _position);
        _sector.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
