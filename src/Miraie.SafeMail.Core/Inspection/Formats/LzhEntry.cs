namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>One file in an LZH archive: its name, method (<c>-lh5-</c> …), sizes, CRC-16 and where its data starts.</summary>
internal sealed record LzhEntry(string Name, string Method, long PackedSize, long Size, ushort Crc, long DataOffset)
{
    /// <summary>The LZ dictionary size in bits for the methods we decode, 0 for stored data, null for the rest.</summary>
    public int? DictionaryBits => Method switch
    {
        "-lh0-" or "-lz4-" => 0,
        "-lh4-" => 12,
        "-lh5-" => 13,
        "-lh6-" => 15,
        "-lh7-" => 16,
        _ => null,
    };

    /// <summary>The file's bytes, decoded and checked against the stored CRC-16 and size.</summary>
    public Stream Open(Stream archive)
    {
        Stream data = new BoundedReadStream(archive, DataOffset, PackedSize);
        if (DictionaryBits is { } bits && bits > 0)
        {
            data = new LzhDecoderStream(data, bits, Size);
        }

        return new Crc16CheckedStream(data, Crc, Size);
    }
}
