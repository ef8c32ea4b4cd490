namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Decodes LHA's static-Huffman methods -lh4- to -lh7- (LHa for UNIX's huf.c): LZ77 over a 4/8/32/64 KiB window, in
/// blocks that each send three canonical Huffman code tables. Written by hand (ADR-001): SharpCompress 0.50's
/// LhaStream, its ARJ decoder, only decodes a stream that is read in one call of its full size (it ignores the
/// offset and count it is given and loses its tables between blocks), and runs at a few MB/s.
/// Bounded: it produces exactly the member's stated size, every table is checked (a length over 16, an
/// over-full code, a run past the table), and it reads at most a few bytes past the compressed data before calling
/// it truncated; the CRC-16 around it (<see cref="Crc16CheckedStream"/>) catches whatever decodes wrong.
/// </summary>
internal sealed class LzhDecoderStream : ReadOnlyStream
{
    private const int CharCount = 510;     // NC: 256 literals + match lengths 3..256
    private const int TempCount = 19;      // NT: code lengths 0..16 + three run codes
    private const int Invalid = 0xFFFF;
    private const int MaxPaddingBytes = 8; // zeros read past the compressed data to look ahead, no more
    private const int WindowSize = 1 << 17;

    private readonly Stream _input;
    private readonly int _positionCount;   // NP: dicbit + 1
    private readonly int _positionBits;    // PBIT: bits to send the position table's size
    private readonly byte[] _window = new byte[WindowSize];
    private readonly byte[] _inputBuffer = new byte[8192];
    private readonly byte[] _charLengths = new byte[CharCount];
    private readonly ushort[] _charTable = new ushort[1 << 16];
    private readonly byte[] _positionLengths = new byte[TempCount];
    private readonly ushort[] _positionTable = new ushort[1 << 16];
    private long _remaining;
    private int _windowPosition;
    private int _copyLength;
    private int _copyDistance;
    private int _blockRemaining;
    private uint _bits;
    private int _bitCount;
    private int _inputPosition;
    private int _inputLength;
    private int _padding;

    /// <param name="input">The compressed bytes (exactly the member's data).</param>
    /// <param name="dictionaryBits">12 (-lh4-), 13 (-lh5-), 15 (-lh6-) or 16 (-lh7-).</param>
    /// <param name="size">The member's original size.</param>
    public LzhDecoderStream(Stream input, int dictionaryBits, long size) : base(input)
    {
        _input = input;
        _positionCount = dictionaryBits + 1;
        _positionBits = dictionaryBits <= 13 ? 4 : 5;
        _remaining = size;
        Array.Fill(_window, (byte)' '); // LHA's window starts out as spaces
    }

    public override int Read(Span<byte> buffer)
    {
        var produced = 0;
        while (produced < buffer.Length && _remaining > 0)
        {
            if (_copyLength > 0)
            {
                // A match: copied byte by byte, since it may overlap what it is producing.
                var count = (int)Math.Min(Math.Min(_copyLength, buffer.Length - produced), _remaining);
                var from = _windowPosition - _copyDistance;
                for (var k = 0; k < count; k++)
                {
                    var b = _window[(from + k) & (WindowSize - 1)];
                    _window[(_windowPosition + k) & (WindowSize - 1)] = b;
                    buffer[produced + k] = b;
                }

                _windowPosition = (_windowPosition + count) & (WindowSize - 1);
                produced += count;
                _remaining -= count;
                _copyLength -= count;
                continue;
            }

            if (_blockRemaining == 0)
            {
                ReadBlockHeader();
            }

            _blockRemaining--;
            var code = Decode(_charTable, _charLengths);
            if (code < 256)
            {
                Emit((byte)code, buffer, ref produced);
            }
            else
            {
                _copyLength = code - 256 + 3;
                _copyDistance = DecodePosition() + 1;
            }
        }

        return produced;
    }

    private void Emit(byte b, Span<byte> buffer, ref int produced)
    {
        _window[_windowPosition] = b;
        _windowPosition = (_windowPosition + 1) & (WindowSize - 1);
        buffer[produced++] = b;
        _remaining--;
    }

    private void ReadBlockHeader()
    {
        _blockRemaining = GetBits(16);
        if (_blockRemaining == 0)
        {
            throw new InvalidDataException("LZH block of no commands");
        }

        ReadLengths(_positionLengths, TempCount, 5, special: 3, _positionTable);
        ReadCharLengths();
        ReadLengths(_positionLengths, _positionCount, _positionBits, special: -1, _positionTable);
    }

    /// <summary>read_pt_len: the temporary table (which codes the char table) or the position table.</summary>
    private void ReadLengths(byte[] lengths, int count, int countBits, int special, ushort[] table)
    {
        Array.Clear(lengths);
        var n = GetBits(countBits);
        if (n == 0)
        {
            SingleCode(GetBits(countBits), count, table);
            return;
        }

        if (n > count)
        {
            throw new InvalidDataException("LZH code table too large");
        }

        var i = 0;
        while (i < n)
        {
            var length = Peek16() >> 13;
            if (length == 7)
            {
                // 111 then one more for each further 1 bit, ended by a 0
                var mask = 1 << 12;
                while ((Peek16() & mask) != 0)
                {
                    mask >>= 1;
                    length++;
                    if (length > 16)
                    {
                        throw new InvalidDataException("LZH code length over 16");
                    }
                }

                Skip(length - 3);
            }
            else
            {
                Skip(3);
            }

            lengths[i++] = (byte)length;
            if (i == special)
            {
                var zeros = GetBits(2);
                if (i + zeros > count)
                {
                    throw new InvalidDataException("LZH code table run too long");
                }

                i += zeros; // already zero
            }
        }

        BuildTable(lengths.AsSpan(0, count), table);
    }

    /// <summary>read_c_len: the literal/length table, its lengths coded with the temporary table.</summary>
    private void ReadCharLengths()
    {
        Array.Clear(_charLengths);
        var n = GetBits(9);
        if (n == 0)
        {
            SingleCode(GetBits(9), CharCount, _charTable);
            return;
        }

        if (n > CharCount)
        {
            throw new InvalidDataException("LZH code table too large");
        }

        var i = 0;
        while (i < n)
        {
            var c = Decode(_positionTable, _positionLengths);
            if (c <= 2)
            {
                var zeros = c switch { 0 => 1, 1 => GetBits(4) + 3, _ => GetBits(9) + 20 };
                if (i + zeros > CharCount)
                {
                    throw new InvalidDataException("LZH code table run too long");
                }

                i += zeros;
            }
            else
            {
                _charLengths[i++] = (byte)(c - 2);
            }
        }

        BuildTable(_charLengths, _charTable);
    }

    private int DecodePosition()
    {
        var j = Decode(_positionTable, _positionLengths);
        return j <= 1 ? j : (1 << (j - 1)) + GetBits(j - 1);
    }

    private static void SingleCode(int code, int count, ushort[] table)
    {
        if (code >= count)
        {
            throw new InvalidDataException("LZH single code out of range");
        }

        Array.Fill(table, (ushort)code); // one symbol, sent in zero bits
    }

    /// <summary>
    /// A canonical code as LHA assigns it (shorter codes first, then by symbol), laid out as a direct table indexed
    /// by the next 16 bits. An over-full code is corrupt; entries an incomplete code leaves empty decode as corrupt.
    /// </summary>
    private static void BuildTable(ReadOnlySpan<byte> lengths, ushort[] table)
    {
        var next = 0;
        for (var length = 1; length <= 16; length++)
        {
            var step = 1 << (16 - length);
            for (var symbol = 0; symbol < lengths.Length; symbol++)
            {
                if (lengths[symbol] != length)
                {
                    continue;
                }

                if (next + step > table.Length)
                {
                    throw new InvalidDataException("LZH code table over-full");
                }

                table.AsSpan(next, step).Fill((ushort)symbol);
                next += step;
            }
        }

        table.AsSpan(next).Fill(Invalid);
    }

    private int Decode(ushort[] table, byte[] lengths)
    {
        var symbol = table[Peek16()];
        if (symbol == Invalid)
        {
            throw new InvalidDataException("LZH code not in its table");
        }

        Skip(lengths[symbol]);
        return symbol;
    }

    private int GetBits(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        var value = Peek16() >> (16 - count);
        Skip(count);
        return value;
    }

    private int Peek16()
    {
        while (_bitCount < 16)
        {
            _bits |= (uint)NextByte() << (24 - _bitCount);
            _bitCount += 8;
        }

        return (int)(_bits >> 16);
    }

    /// <summary>Drops bits already looked at: every caller has called <see cref="Peek16"/>, so 16 are there.</summary>
    private void Skip(int count)
    {
        _bits <<= count;
        _bitCount -= count;
    }

    private byte NextByte()
    {
        if (_inputPosition == _inputLength)
        {
            _inputLength = _input.Read(_inputBuffer);
            _inputPosition = 0;
            if (_inputLength == 0)
            {
                if (++_padding > MaxPaddingBytes)
                {
                    throw new InvalidDataException("LZH data ends early");
                }

                return 0;
            }
        }

        return _inputBuffer[_inputPosition++];
    }
}
