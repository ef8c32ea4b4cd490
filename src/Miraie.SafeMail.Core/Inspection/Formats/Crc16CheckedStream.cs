namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Passes an LZH member's bytes through and, at the end, compares their CRC-16 and length with the header's: a
/// flipped bit, a cut stream or a decoder that went astray makes the archive corrupt, never a file we trust.
/// </summary>
internal sealed class Crc16CheckedStream(Stream source, ushort expectedCrc, long expectedLength) : ReadOnlyStream(source)
{
    private ushort _crc;
    private long _length;
    private bool _checked;

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        if (read > 0)
        {
            _crc = Crc16.Update(_crc, buffer[..read]);
            _length += read;
        }
        else if (!_checked && buffer.Length > 0)
        {
            _checked = true;
            if (_length != expectedLength)
            {
                throw new InvalidDataException($"member is {_length} bytes, the header says {expectedLength}");
            }

            if (_crc != expectedCrc)
            {
                throw new InvalidDataException("CRC-16 mismatch");
            }
        }

        return read;
    }
}
