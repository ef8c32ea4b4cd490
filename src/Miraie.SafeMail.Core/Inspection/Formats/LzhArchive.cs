using System.Buffers.Binary;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Walks an LZH (LHA) archive's headers, levels 0 to 3, the way LHa for UNIX, lhasa and libarchive read them: the
/// level 0/1 header sum, the level 2/3 header CRC (extended header 0x00), the file and directory name extended
/// headers (0x01, 0x02 with 0xFF separators), UTF-16 names (0x44/0x45), the code page (0x46) and 64-bit sizes (0x42).
/// Names are in the code page the header names, else UTF-8 when they are valid UTF-8, else Shift_JIS (CP932) — what
/// Japanese LHA tools (LHA32, Lhaplus, Explzh) write in level 0/1 headers. No library served here reads LZH (ADR-001).
/// </summary>
internal static class LzhArchive
{
    private const int MaxLevel3HeaderBytes = 1024 * 1024;

    public static LzhListing Read(Stream stream, int maxFiles, InspectionContext context)
    {
        var listing = new LzhListing();
        try
        {
            long position = 0;
            while (position < stream.Length)
            {
                context.ThrowIfExpired();
                var head = ReadAt(stream, position, (int)Math.Min(stream.Length - position, 32), exact: false);
                if (head[0] == 0)
                {
                    return listing; // the end mark; anything after it is padding no LHA tool reads
                }

                var (entry, next) = ReadEntry(stream, position, head);
                if (entry is not null)
                {
                    listing.Files.Add(entry);
                    if (listing.Files.Count > maxFiles)
                    {
                        throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {maxFiles} entries");
                    }
                }

                position = next;
            }
        }
        catch (InvalidDataException e)
        {
            listing.Corruption = e.Message;
        }

        return listing;
    }

    /// <summary>Reads the header at <paramref name="position"/>: the entry (null for a directory) and where the next header starts.</summary>
    private static (LzhEntry? Entry, long Next) ReadEntry(Stream stream, long position, byte[] head)
    {
        if (head.Length < 24 || head[2] != '-' || head[3] != 'l' || head[6] != '-')
        {
            throw new InvalidDataException("not an LZH header");
        }

        var method = Encoding.ASCII.GetString(head, 2, 5);
        long packed = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(7));
        long size = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(11));
        var level = head[20];
        var names = new Names();
        ushort crc;
        long dataOffset;
        switch (level)
        {
            case 0 or 1:
            {
                var headerSize = head[0] + 2;
                var header = ReadAt(stream, position, headerSize, exact: true);
                if (Checksum(header.AsSpan(2)) != header[1])
                {
                    throw new InvalidDataException("LZH header checksum is wrong");
                }

                var nameLength = header[21];
                if (22 + nameLength + 2 > headerSize)
                {
                    throw new InvalidDataException("LZH header too short for its name");
                }

                names.File = header.AsSpan(22, nameLength).ToArray();
                crc = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(22 + nameLength));
                dataOffset = position + headerSize;
                if (level == 1)
                {
                    // Level 1: the extended headers follow the base header, and their bytes count in the packed size.
                    var extended = ReadExtended(stream, dataOffset - 2, sizeField: 2, limit: packed + 2, names, ref packed, ref size, out _);
                    dataOffset += extended - 2;
                    packed -= extended - 2;
                    if (packed < 0)
                    {
                        throw new InvalidDataException("LZH extended headers larger than the packed size");
                    }
                }

                break;
            }

            case 2 or 3:
            {
                var sizeField = level == 2 ? 2 : 4;
                long headerSize = level == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(head) : BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(24));
                var fixedSize = level == 2 ? 24 : 28;
                if (headerSize < fixedSize + sizeField || headerSize > MaxLevel3HeaderBytes || (level == 3 && BinaryPrimitives.ReadUInt16LittleEndian(head) != 4))
                {
                    throw new InvalidDataException("LZH header size out of range");
                }

                crc = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(21));
                ReadExtended(stream, position + fixedSize, sizeField, limit: headerSize - fixedSize, names, ref packed, ref size, out var headerCrc);
                if (headerCrc is { } stated)
                {
                    // The CRC-16 of the whole header with its own two bytes taken as zero.
                    var header = ReadAt(stream, position, (int)headerSize, exact: true);
                    header[stated.Offset - position] = 0;
                    header[stated.Offset - position + 1] = 0;
                    if (Crc16.Update(0, header) != stated.Value)
                    {
                        throw new InvalidDataException("LZH header CRC is wrong");
                    }
                }

                dataOffset = position + headerSize;
                break;
            }

            default:
                throw new InvalidDataException($"LZH header level {level}");
        }

        if (packed > stream.Length - dataOffset)
        {
            throw new InvalidDataException("an LZH member runs past the end of the archive");
        }

        var next = dataOffset + packed;
        if (method == "-lhd-")
        {
            return (null, next);
        }

        var entry = new LzhEntry(names.Decode(level), method, packed, size, crc, dataOffset);
        if (entry.DictionaryBits == 0 && packed != size)
        {
            throw new InvalidDataException("a stored LZH member whose sizes differ");
        }

        return (entry, next);
    }

    /// <summary>
    /// Reads the chain of extended headers from <paramref name="start"/> (each: size, type, data; a size of 0 ends it)
    /// and returns how many bytes it took, the closing size field included.
    /// </summary>
    private static long ReadExtended(Stream stream, long start, int sizeField, long limit, Names names, ref long packed, ref long size, out (long Offset, ushort Value)? headerCrc)
    {
        headerCrc = null;
        long used = 0;
        var position = start;
        while (true)
        {
            var sizeBytes = ReadAt(stream, position, sizeField, exact: true);
            long extSize = sizeField == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(sizeBytes) : BinaryPrimitives.ReadUInt32LittleEndian(sizeBytes);
            if (extSize == 0)
            {
                return used + sizeField;
            }

            if (extSize < sizeField + 1 || used + extSize + sizeField > limit)
            {
                throw new InvalidDataException("LZH extended header size out of range");
            }

            var ext = ReadAt(stream, position, (int)extSize, exact: true);
            var type = ext[sizeField];
            var data = ext.AsSpan(sizeField + 1);
            switch (type)
            {
                case 0x00 when data.Length >= 2:
                    headerCrc = (position + sizeField + 1, BinaryPrimitives.ReadUInt16LittleEndian(data));
                    break;
                case 0x01:
                    names.File = data.ToArray();
                    break;
                case 0x02:
                    names.Directory = data.ToArray();
                    break;
                case 0x42 when data.Length >= 16:
                    packed = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(data));
                    size = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
                    break;
                case 0x44:
                    names.UnicodeFile = Encoding.Unicode.GetString(data);
                    break;
                case 0x45:
                    names.UnicodeDirectory = Encoding.Unicode.GetString(data);
                    break;
                case 0x46 when data.Length >= 4:
                    names.CodePage = BinaryPrimitives.ReadInt32LittleEndian(data);
                    break;
            }

            used += extSize;
            position += extSize;
        }
    }

    private static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (var b in bytes)
        {
            sum += b;
        }

        return sum;
    }

    private static byte[] ReadAt(Stream stream, long position, int count, bool exact)
    {
        if (position < 0 || (exact && count > stream.Length - position))
        {
            throw new InvalidDataException("the archive ends inside an LZH header");
        }

        var buffer = new byte[count];
        stream.Position = position;
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>The name parts a header carries, decoded once all extended headers are read.</summary>
    private sealed class Names
    {
        public byte[] File { get; set; } = [];
        public byte[]? Directory { get; set; }
        public string? UnicodeFile { get; set; }
        public string? UnicodeDirectory { get; set; }
        public int? CodePage { get; set; }

        public string Decode(int level)
        {
            var directory = (UnicodeDirectory ?? (Directory is null ? "" : Text(Directory))).Replace('\\', '/');
            var file = UnicodeFile ?? Text(File);
            if (directory.Length > 0 && !directory.EndsWith('/'))
            {
                directory += "/";
            }

            var name = (directory + file).Replace('\\', '/');
            return level == 0 ? name.TrimStart('/') : name;
        }

        /// <summary>0xFF separates directories in LHA paths; turned into '/' before decoding (0xFF is no character in CP932).</summary>
        private string Text(byte[] bytes)
        {
            var separated = bytes.Select(b => b == 0xFF ? (byte)'/' : b).ToArray();
            return CodePage switch
            {
                65001 => Encoding.UTF8.GetString(separated),
                932 => ZipDirectory.ShiftJis.GetString(separated),
                _ => ZipDirectory.DecodeName(separated, utf8Flag: false),
            };
        }
    }
}
