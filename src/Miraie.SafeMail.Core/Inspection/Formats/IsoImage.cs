using System.Buffers.Binary;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Reads an ISO 9660 image's directories (ECMA-119): the volume descriptors from sector 16, the Joliet tree when a
/// Joliet supplementary descriptor is there (the names Windows shows), then the primary tree with Rock Ridge names
/// (SUSP "NM", following "CE" continuations) or ISO names without their ";1" — every file either tree lists is
/// read, so a file hidden from one view is still inspected. UDF-only discs are recognised but not read. Bounded:
/// directory depth, files, directory bytes, loops between directory extents and extents past the image's end.
/// No library served here reads ISO 9660 (DiscUtils is not served; ADR-001).
/// </summary>
internal static class IsoImage
{
    private const int Sector = 2048;
    private const long DescriptorStart = 16 * Sector;
    private const int MaxDescriptors = 64;
    private const int MaxDepth = 64;
    private const int MaxDirectoryBytes = 16 * 1024 * 1024;
    private const int MaxContinuations = 32;

    /// <summary>The kind of a disc image, from the descriptors at sector 16 (past the first 8 KB a sniffer sees), or null.</summary>
    public static SniffResult? Sniff(Stream stream)
    {
        if (stream.Length < DescriptorStart + Sector)
        {
            return null;
        }

        var id = new byte[6];
        stream.Position = DescriptorStart;
        stream.ReadExactly(id);
        if (id.AsSpan(1).SequenceEqual("CD001"u8))
        {
            return new SniffResult(FileKind.Iso, "ISO 9660");
        }

        return id[0] == 0 && id.AsSpan(1).SequenceEqual("BEA01"u8) ? new SniffResult(FileKind.Iso, "UDF") : null;
    }

    public static IsoListing Read(Stream stream, int maxFiles, InspectionContext context)
    {
        var listing = new IsoListing();
        try
        {
            var (primary, joliet) = ReadDescriptors(stream);
            if (primary is null)
            {
                listing.Unsupported = "UDF";
                return listing;
            }

            var seen = new HashSet<(long, long)>();
            if (joliet is not null)
            {
                Walk(stream, joliet, jolietNames: true, listing, maxFiles, context, seen, skip: null);
            }

            Walk(stream, primary, jolietNames: false, listing, maxFiles, context, [], skip: joliet is null ? null : seen);
        }
        catch (InvalidDataException e)
        {
            listing.Corruption = e.Message;
        }

        return listing;
    }

    /// <summary>The primary and Joliet root directory records (34 bytes each).</summary>
    private static (byte[]? Primary, byte[]? Joliet) ReadDescriptors(Stream stream)
    {
        byte[]? primary = null, joliet = null;
        for (var i = 0; i < MaxDescriptors; i++)
        {
            var position = DescriptorStart + ((long)i * Sector);
            if (position + Sector > stream.Length)
            {
                break;
            }

            var descriptor = ReadAt(stream, position, Sector);
            if (!descriptor.AsSpan(1, 5).SequenceEqual("CD001"u8))
            {
                break; // UDF's BEA01/NSR02 follow the ISO descriptors on a bridge disc; a UDF-only disc starts with them
            }

            if (descriptor[0] == 255)
            {
                break;
            }

            if (descriptor[0] is 1 or 2 && BinaryPrimitives.ReadUInt16LittleEndian(descriptor.AsSpan(128)) != Sector)
            {
                throw new InvalidDataException("ISO logical block size other than 2048");
            }

            if (descriptor[0] == 1)
            {
                primary ??= descriptor.AsSpan(156, 34).ToArray();
            }
            else if (descriptor[0] == 2 && descriptor[88] == '%' && descriptor[89] == '/' && descriptor[90] is (byte)'@' or (byte)'C' or (byte)'E')
            {
                joliet ??= descriptor.AsSpan(156, 34).ToArray();
            }
        }

        return (primary, joliet);
    }

    private static void Walk(Stream stream, byte[] root, bool jolietNames, IsoListing listing, int maxFiles, InspectionContext context,
        HashSet<(long, long)> seen, HashSet<(long, long)>? skip)
    {
        var visited = new HashSet<long>();
        var pending = new Stack<(long Extent, long Length, string Path, int Depth)>();
        var (rootExtent, rootLength) = Extent(root, stream.Length);
        pending.Push((rootExtent, rootLength, "", 0));
        var susp = -1; // Rock Ridge: bytes to skip in each system use area, once the root's "." entry shows SUSP
        while (pending.Count > 0)
        {
            context.ThrowIfExpired();
            var (extent, length, path, depth) = pending.Pop();
            if (!visited.Add(extent))
            {
                throw new InvalidDataException("ISO directories form a loop");
            }

            if (depth > MaxDepth || length > MaxDirectoryBytes)
            {
                throw new InvalidDataException("ISO directory tree too deep or too large");
            }

            var directory = ReadAt(stream, extent, (int)length);
            for (var offset = 0; offset < directory.Length;)
            {
                var recordLength = directory[offset];
                if (recordLength == 0)
                {
                    offset = ((offset / Sector) + 1) * Sector; // records do not cross sectors; the rest is padding
                    continue;
                }

                if (recordLength < 34 || offset + recordLength > directory.Length || 33 + directory[offset + 32] > recordLength)
                {
                    throw new InvalidDataException("an ISO directory record out of bounds");
                }

                var record = directory.AsSpan(offset, recordLength);
                offset += recordLength;
                var nameBytes = record.Slice(33, record[32]);
                var isSelf = nameBytes.Length == 1 && nameBytes[0] == 0;
                if (isSelf && depth == 0 && !jolietNames)
                {
                    susp = SuspSkip(record);
                }

                if (nameBytes.Length == 1 && nameBytes[0] is 0 or 1)
                {
                    continue; // "." and ".."
                }

                var name = jolietNames
                    ? StripVersion(Encoding.BigEndianUnicode.GetString(nameBytes))
                    : RockRidgeName(stream, record, susp) ?? StripVersion(ZipDirectory.DecodeName(nameBytes, utf8Flag: false));
                var fullPath = path.Length == 0 ? name : $"{path}/{name}";
                var (fileExtent, fileLength) = Extent(record, stream.Length);
                var flags = record[25];
                if ((flags & 0x02) != 0)
                {
                    pending.Push((fileExtent, fileLength, fullPath, depth + 1));
                    continue;
                }

                if (skip?.Contains((fileExtent, fileLength)) == true)
                {
                    continue;
                }

                seen.Add((fileExtent, fileLength));
                var unsupported = (flags & 0x80) != 0 ? "ISO file in several extents" : record[26] != 0 ? "ISO interleaved file" : null;
                listing.Files.Add(new IsoFile(fullPath, fileExtent, fileLength, unsupported));
                if (listing.Files.Count > maxFiles)
                {
                    throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {maxFiles} entries");
                }
            }
        }
    }

    /// <summary>Byte offset and length of a record's extent, inside the image.</summary>
    private static (long Offset, long Length) Extent(ReadOnlySpan<byte> record, long imageLength)
    {
        var offset = (long)BinaryPrimitives.ReadUInt32LittleEndian(record[2..]) * Sector;
        long length = BinaryPrimitives.ReadUInt32LittleEndian(record[10..]);
        if (offset > imageLength || length > imageLength - offset)
        {
            throw new InvalidDataException("an ISO extent past the end of the image");
        }

        return (offset, length);
    }

    /// <summary>The SUSP "SP" entry in the root's "." record: how many bytes to skip in each system use area, or -1.</summary>
    private static int SuspSkip(ReadOnlySpan<byte> record)
    {
        var use = SystemUse(record);
        return use.Length >= 7 && use[0] == 'S' && use[1] == 'P' && use[4] == 0xBE && use[5] == 0xEF ? use[6] : -1;
    }

    private static ReadOnlySpan<byte> SystemUse(ReadOnlySpan<byte> record)
    {
        var start = 33 + record[32] + ((record[32] & 1) == 0 ? 1 : 0);
        return start < record.Length ? record[start..] : [];
    }

    /// <summary>The Rock Ridge name (NM entries, continued through CE areas), or null when the record has none.</summary>
    private static string? RockRidgeName(Stream stream, ReadOnlySpan<byte> record, int susp)
    {
        if (susp < 0)
        {
            return null;
        }

        var use = SystemUse(record);
        if (susp > use.Length)
        {
            return null;
        }

        List<byte>? name = null;
        var area = use[susp..].ToArray();
        for (var hops = 0; area is not null && hops <= MaxContinuations; hops++)
        {
            byte[]? next = null;
            for (var i = 0; i + 4 <= area.Length;)
            {
                var entryLength = area[i + 2];
                if (entryLength < 4 || i + entryLength > area.Length)
                {
                    break;
                }

                var entry = area.AsSpan(i, entryLength);
                if (entry[0] == 'N' && entry[1] == 'M' && entryLength >= 5 && (entry[4] & 0x06) == 0)
                {
                    (name ??= []).AddRange(entry[5..].ToArray());
                }
                else if (entry[0] == 'C' && entry[1] == 'E' && entryLength >= 28)
                {
                    var block = (long)BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]) * Sector;
                    long offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
                    long length = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
                    if (length > Sector || block + offset + length > stream.Length)
                    {
                        throw new InvalidDataException("a Rock Ridge continuation past the end of the image");
                    }

                    next = ReadAt(stream, block + offset, (int)length);
                }
                else if (entry[0] == 'S' && entry[1] == 'T')
                {
                    break;
                }

                i += entryLength;
            }

            area = next;
        }

        return name is null ? null : ZipDirectory.DecodeName(name.ToArray(), utf8Flag: false);
    }

    /// <summary>ISO and Joliet names end in ";1" (the version) and a bare "." when there is no extension.</summary>
    private static string StripVersion(string name)
    {
        var semicolon = name.LastIndexOf(';');
        if (semicolon >= 0 && name[(semicolon + 1)..].All(char.IsAsciiDigit))
        {
            name = name[..semicolon];
        }

        return name.EndsWith('.') ? name[..^1] : name;
    }

    private static byte[] ReadAt(Stream stream, long position, int count)
    {
        if (position < 0 || count > stream.Length - position)
        {
            throw new InvalidDataException("an ISO structure past the end of the image");
        }

        var buffer = new byte[count];
        stream.Position = position;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
