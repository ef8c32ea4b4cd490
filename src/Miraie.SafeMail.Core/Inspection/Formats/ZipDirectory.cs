using System.Buffers.Binary;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Reads a ZIP archive's central directory: entry names (UTF-8 flag, Info-ZIP Unicode path, or Shift_JIS as
/// Japanese Windows writes them), sizes, and per-entry encryption — plain, ZipCrypto or WinZip AES with its
/// key size. No library exposes the encryption method per entry (SharpCompress reports only "encrypted";
/// System.IO.Compression hides the method), so this part is written by hand (ADR-001). Offsets are bounds-checked;
/// data before the archive (self-extractors, junk) is tolerated as the central directory's real position says.
/// </summary>
internal sealed class ZipDirectory
{
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;
    private const ushort AesMethod = 99;

    /// <summary>Shift_JIS as Japanese Windows writes it (CP932), undecodable bytes replaced.</summary>
    internal static readonly Encoding ShiftJis = CodePagesEncoding(932);

    private readonly Stream _stream;

    private ZipDirectory(Stream stream, IReadOnlyList<ZipEntryInfo> entries)
    {
        _stream = stream;
        Entries = entries;
    }

    /// <summary>Entries in central-directory order.</summary>
    public IReadOnlyList<ZipEntryInfo> Entries { get; }

    /// <summary>
    /// Reads the directory. Throws <see cref="InvalidDataException"/> for a broken archive and
    /// <see cref="InspectionLimitException"/> when it states more than <paramref name="maxEntries"/> entries.
    /// </summary>
    public static ZipDirectory Read(Stream stream, int maxEntries)
    {
        var length = stream.Length;
        var tailLength = (int)Math.Min(length, 22 + 65535 + 20);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);

        var eocd = -1;
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndOfCentralDirectorySignature
                && i + 22 + BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20)) <= tailLength)
            {
                eocd = i;
                break;
            }
        }

        if (eocd < 0)
        {
            throw new InvalidDataException("end of central directory not found (truncated archive?)");
        }

        var eocdPosition = length - tailLength + eocd;
        long entryCount = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(eocd + 10));
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd + 12));
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd + 16));
        var directoryEnd = eocdPosition;

        if (eocd >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd - 20)) == Zip64LocatorSignature)
        {
            var zip64EndOffset = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(eocd - 12));
            var record = ReadAt(stream, zip64EndOffset, 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
            {
                throw new InvalidDataException("ZIP64 end of central directory missing");
            }

            entryCount = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32));
            directorySize = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40));
            directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48));
            directoryEnd = zip64EndOffset;
        }

        if (entryCount > maxEntries)
        {
            throw new InspectionLimitException(UnknownReason.LimitEntries, $"{entryCount} entries");
        }

        // Where the directory really starts tells how many bytes precede the archive (an SFX stub, for one).
        var actualStart = directoryEnd - directorySize;
        if (actualStart < 0 || directorySize > int.MaxValue)
        {
            throw new InvalidDataException("central directory size out of range");
        }

        var prefix = actualStart - directoryOffset;
        if (prefix < 0)
        {
            throw new InvalidDataException("central directory offset out of range");
        }

        var directory = ReadAt(stream, actualStart, (int)directorySize);
        var entries = new List<ZipEntryInfo>((int)Math.Min(entryCount, maxEntries));
        var offset = 0;
        while (offset + 46 <= directory.Length && BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(offset)) == CentralHeaderSignature)
        {
            if (entries.Count >= maxEntries)
            {
                throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {maxEntries} entries");
            }

            entries.Add(ParseCentralHeader(directory, ref offset, prefix, length));
        }

        if (entries.Count != entryCount && entryCount != 0xFFFF)
        {
            throw new InvalidDataException($"central directory lists {entries.Count} entries, end record says {entryCount}");
        }

        return new ZipDirectory(stream, entries);
    }

    /// <summary>
    /// Opens the decompressed data of a plain entry; reading it to the end checks the CRC-32 and the stated size
    /// (<see cref="InvalidDataException"/> on a mismatch). Throws <see cref="NotSupportedException"/> for methods we cannot read.
    /// </summary>
    public Stream OpenEntry(ZipEntryInfo entry) => new CheckedReadStream(OpenData(entry), entry.Crc32, entry.UncompressedSize);

    private Stream OpenData(ZipEntryInfo entry)
    {
        var header = ReadAt(_stream, entry.LocalHeaderOffset, 30);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalHeaderSignature)
        {
            throw new InvalidDataException("local file header missing");
        }

        var dataStart = entry.LocalHeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26))
            + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        if (dataStart + entry.CompressedSize > _stream.Length)
        {
            throw new InvalidDataException("entry data runs past the end of the archive");
        }

        var raw = new BoundedReadStream(_stream, dataStart, entry.CompressedSize);
        return entry.Method switch
        {
            0 => raw,
            8 => new System.IO.Compression.DeflateStream(raw, System.IO.Compression.CompressionMode.Decompress),
            9 => new SharpCompress.Compressors.Deflate64.Deflate64Stream(raw, SharpCompress.Compressors.CompressionMode.Decompress),
            12 => SharpCompress.Compressors.BZip2.BZip2Stream.Create(raw, SharpCompress.Compressors.CompressionMode.Decompress,
                decompressConcatenated: false, leaveOpen: false, tolerateTruncatedStream: false),
            14 => OpenLzma(raw, entry),
            98 => OpenPpmd(raw),
            _ => throw new NotSupportedException($"compression method {entry.Method}"),
        };
    }

    /// <summary>ZIP's LZMA (method 14): a 2-byte version, a 2-byte properties length, the properties, then the stream.</summary>
    private static SharpCompress.Compressors.LZMA.LzmaStream OpenLzma(Stream raw, ZipEntryInfo entry)
    {
        var header = new byte[4];
        raw.ReadExactly(header);
        var propertiesLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(2));
        if (propertiesLength is 0 or > 64)
        {
            throw new InvalidDataException("LZMA properties invalid");
        }

        var properties = new byte[propertiesLength];
        raw.ReadExactly(properties);
        return SharpCompress.Compressors.LZMA.LzmaStream.Create(properties, raw, entry.CompressedSize - 4 - propertiesLength, entry.UncompressedSize, leaveOpen: false);
    }

    /// <summary>ZIP's PPMd (method 98, variant I): two property bytes before the stream.</summary>
    private static SharpCompress.Compressors.PPMd.PpmdStream OpenPpmd(Stream raw)
    {
        var properties = new byte[2];
        raw.ReadExactly(properties);
        return SharpCompress.Compressors.PPMd.PpmdStream.Create(new SharpCompress.Compressors.PPMd.PpmdProperties(properties), raw, false);
    }

    private static ZipEntryInfo ParseCentralHeader(byte[] directory, ref int offset, long prefix, long archiveLength)
    {
        var span = directory.AsSpan(offset);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[8..]);
        var method = BinaryPrimitives.ReadUInt16LittleEndian(span[10..]);
        var crc32 = BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
        var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
        long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[42..]);
        var recordLength = 46 + nameLength + extraLength + commentLength;
        if (offset + recordLength > directory.Length)
        {
            throw new InvalidDataException("central directory record truncated");
        }

        var nameBytes = span.Slice(46, nameLength);
        var extra = span.Slice(46 + nameLength, extraLength);
        string? unicodeName = null;
        var aesStrength = 0;
        var actualMethod = method;

        for (var e = 0; e + 4 <= extra.Length;)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra[e..]);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[(e + 2)..]);
            if (e + 4 + size > extra.Length)
            {
                break;
            }

            var data = extra.Slice(e + 4, size);
            switch (id)
            {
                case 0x0001: // ZIP64: the 8-byte values present are those whose 4-byte field is saturated
                    var z = 0;
                    if (uncompressed == 0xFFFFFFFF && z + 8 <= data.Length) { uncompressed = BinaryPrimitives.ReadInt64LittleEndian(data[z..]); z += 8; }
                    if (compressed == 0xFFFFFFFF && z + 8 <= data.Length) { compressed = BinaryPrimitives.ReadInt64LittleEndian(data[z..]); z += 8; }
                    if (localOffset == 0xFFFFFFFF && z + 8 <= data.Length) { localOffset = BinaryPrimitives.ReadInt64LittleEndian(data[z..]); }
                    break;
                case 0x9901 when size >= 7: // WinZip AES: version, "AE", strength, real method
                    aesStrength = data[4];
                    actualMethod = BinaryPrimitives.ReadUInt16LittleEndian(data[5..]);
                    break;
                case 0x7075 when size >= 5 && data[0] == 1: // Info-ZIP Unicode Path, valid only if the CRC matches the header name
                    if (System.IO.Hashing.Crc32.HashToUInt32(nameBytes) == BinaryPrimitives.ReadUInt32LittleEndian(data[1..]))
                    {
                        unicodeName = Encoding.UTF8.GetString(data[5..]);
                    }

                    break;
            }

            e += 4 + size;
        }

        var encryption = (flags & 1) == 0 ? ZipEntryEncryption.None
            : method == AesMethod ? aesStrength switch
            {
                1 => ZipEntryEncryption.Aes128,
                2 => ZipEntryEncryption.Aes192,
                3 => ZipEntryEncryption.Aes256,
                _ => throw new InvalidDataException("WinZip AES entry without a valid strength"),
            }
            : (flags & 0x40) != 0 ? ZipEntryEncryption.Strong : ZipEntryEncryption.ZipCrypto;

        var name = unicodeName ?? DecodeName(nameBytes, utf8Flag: (flags & 0x0800) != 0);
        localOffset += prefix;
        if (localOffset < 0 || localOffset >= archiveLength || compressed < 0 || uncompressed < 0)
        {
            throw new InvalidDataException("entry offsets out of range");
        }

        offset += recordLength;
        var isDirectory = name.EndsWith('/') || name.EndsWith('\\');
        return new ZipEntryInfo(name.Replace('\\', '/'), isDirectory, encryption, encryption == ZipEntryEncryption.None ? method : actualMethod,
            compressed, uncompressed, localOffset, crc32);
    }

    /// <summary>
    /// Names without the UTF-8 flag are in the writer's OEM code page. Valid UTF-8 with non-ASCII bytes is taken as
    /// UTF-8 (macOS and Linux tools omit the flag); otherwise Shift_JIS, which is what Japanese Windows writes.
    /// </summary>
    internal static string DecodeName(ReadOnlySpan<byte> bytes, bool utf8Flag)
    {
        if (utf8Flag || System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        return ShiftJis.GetString(bytes);
    }

    private static byte[] ReadAt(Stream stream, long position, int count)
    {
        if (position < 0 || position + count > stream.Length)
        {
            throw new InvalidDataException("structure points outside the archive");
        }

        var buffer = new byte[count];
        stream.Position = position;
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static Encoding CodePagesEncoding(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
    }
}
