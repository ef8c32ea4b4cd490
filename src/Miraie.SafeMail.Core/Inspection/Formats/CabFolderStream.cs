using System.Buffers.Binary;
using System.IO.Compression;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// A cabinet folder's uncompressed bytes, block by block: CFDATA blocks stored as they are, or MSZIP ("CK" + a
/// deflate stream per block of at most 32 KiB, each block allowed to refer back into the previous 32 KiB of output).
/// DeflateStream has no preset dictionary, so the previous output is given to it as a deflate stored block in front
/// of the block's own compressed bytes, and those bytes are dropped from what it returns. Each block's checksum is
/// verified when it has one; a block that does not decode to its stated size is corrupt.
/// </summary>
internal sealed class CabFolderStream : ReadOnlyStream
{
    private const int MaxBlock = 32768;

    private readonly Stream _archive;
    private readonly CabFolder _folder;
    private readonly byte[] _history = new byte[MaxBlock];
    private byte[] _block = [];
    private int _blockPosition;
    private int _historyLength;
    private int _blocksRead;
    private long _nextBlock;

    public CabFolderStream(Stream archive, CabFolder folder)
    {
        _archive = archive;
        _folder = folder;
        _nextBlock = folder.DataOffset;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_blockPosition == _block.Length)
        {
            if (_blocksRead == _folder.BlockCount)
            {
                return 0;
            }

            _block = NextBlock();
            _blockPosition = 0;
        }

        var count = Math.Min(buffer.Length, _block.Length - _blockPosition);
        _block.AsSpan(_blockPosition, count).CopyTo(buffer);
        _blockPosition += count;
        return count;
    }

    private byte[] NextBlock()
    {
        var header = CabArchive.ReadAt(_archive, _nextBlock, 8 + _folder.DataReserve);
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var packed = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4));
        var size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
        var data = CabArchive.ReadAt(_archive, _nextBlock + header.Length, packed);
        _nextBlock += header.Length + packed;
        _blocksRead++;
        if (checksum != 0 && checksum != Checksum(header.AsSpan(4, 4), data))
        {
            throw new InvalidDataException("CAB data block checksum mismatch");
        }

        if (size > MaxBlock)
        {
            throw new InvalidDataException("CAB data block larger than 32 KiB");
        }

        byte[] output;
        if ((_folder.Compression & 0x0F) == 0)
        {
            if (packed != size)
            {
                throw new InvalidDataException("a stored CAB block whose sizes differ");
            }

            output = data;
        }
        else
        {
            output = Inflate(data, size);
        }

        Remember(output);
        return output;
    }

    private byte[] Inflate(byte[] data, int size)
    {
        if (data.Length < 2 || data[0] != 'C' || data[1] != 'K')
        {
            throw new InvalidDataException("MSZIP block without its CK signature");
        }

        // [stored block: 0x00, LEN, ~LEN, the last output] + the block's deflate data
        var input = new byte[5 + _historyLength + data.Length - 2];
        BinaryPrimitives.WriteUInt16LittleEndian(input.AsSpan(1), (ushort)_historyLength);
        BinaryPrimitives.WriteUInt16LittleEndian(input.AsSpan(3), (ushort)~_historyLength);
        _history.AsSpan(0, _historyLength).CopyTo(input.AsSpan(5));
        data.AsSpan(2).CopyTo(input.AsSpan(5 + _historyLength));

        var output = new byte[_historyLength + size];
        using var inflater = new DeflateStream(new MemoryStream(input), CompressionMode.Decompress);
        var read = inflater.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
        if (read != output.Length || inflater.ReadByte() != -1)
        {
            throw new InvalidDataException("MSZIP block does not decode to its stated size");
        }

        return output[_historyLength..];
    }

    /// <summary>Keeps the last 32 KiB of output: the dictionary the next MSZIP block may refer to.</summary>
    private void Remember(byte[] output)
    {
        if (output.Length >= MaxBlock)
        {
            output.AsSpan(output.Length - MaxBlock).CopyTo(_history);
            _historyLength = MaxBlock;
            return;
        }

        var keep = Math.Min(_historyLength, MaxBlock - output.Length);
        _history.AsSpan(_historyLength - keep, keep).CopyTo(_history);
        output.CopyTo(_history.AsSpan(keep));
        _historyLength = keep + output.Length;
    }

    /// <summary>[MS-CAB] CSUMCompute over the data, then over cbData/cbUncomp seeded with it (as libmspack checks it).</summary>
    internal static uint Checksum(ReadOnlySpan<byte> sizes, ReadOnlySpan<byte> data) => Compute(sizes, Compute(data, 0));

    private static uint Compute(ReadOnlySpan<byte> bytes, uint seed)
    {
        var sum = seed;
        var i = 0;
        for (; i + 4 <= bytes.Length; i += 4)
        {
            sum ^= BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]);
        }

        uint tail = 0;
        switch (bytes.Length - i)
        {
            case 3:
                tail = ((uint)bytes[i] << 16) | ((uint)bytes[i + 1] << 8) | bytes[i + 2];
                break;
            case 2:
                tail = ((uint)bytes[i] << 8) | bytes[i + 1];
                break;
            case 1:
                tail = bytes[i];
                break;
        }

        return sum ^ tail;
    }
}
