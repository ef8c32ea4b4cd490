namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Walks a tar archive header by header, the way GNU tar 1.34 reads one: v7, ustar (with its name prefix, and star's
/// shorter one), GNU (long names 'L'/'K', old sparse 'S' with extension blocks, multi-volume 'M', dumpdir 'D',
/// volume label 'V') and POSIX pax ('x' and global 'g' records: path, size, and the GNU sparse formats 0.0, 0.1 and
/// 1.0). Numeric fields in octal, base-256 or base-64 (<see cref="TarFields"/>). Written by hand (ADR-001): the
/// in-box TarReader rejects valid GNU archives (uids over 2^31, early times) and, like SharpCompress, does not rebuild
/// sparse files, so their content would be read wrong or not at all.
/// </summary>
internal static class TarArchive
{
    /// <summary>Longest GNU long name or pax header block read; GNU tar itself has no limit, names do not need more.</summary>
    private const int MaxMetadataBytes = 1024 * 1024;

    /// <summary>Sparse map entries per file; a real map has one per hole.</summary>
    private const int MaxSparseChunks = 100_000;

    public static TarListing Read(Stream stream, int maxFiles, InspectionContext context)
    {
        var listing = new TarListing();
        try
        {
            Walk(stream, listing, maxFiles, context);
        }
        catch (InvalidDataException e)
        {
            listing.Corruption = e.Message;
        }

        return listing;
    }

    private static void Walk(Stream stream, TarListing listing, int maxFiles, InspectionContext context)
    {
        var header = new byte[TarFields.BlockSize];
        var global = new PaxRecords();
        PaxRecords? pax = null;
        byte[]? longName = null;
        var sawEnd = false;
        long position = 0;
        while (true)
        {
            context.ThrowIfExpired();
            var read = ReadBlock(stream, position, header);
            if (read == 0)
            {
                // GNU tar accepts an archive that ends without its two zero blocks (it warns); a member cut off is caught below.
                if (pax is not null || longName is not null)
                {
                    throw new InvalidDataException("the archive ends after an extended header, before its member");
                }

                return;
            }

            if (read < TarFields.BlockSize)
            {
                if (sawEnd)
                {
                    return; // a partial block after the end mark: nothing a reader extracts
                }

                throw new InvalidDataException("the archive ends inside a header");
            }

            position += TarFields.BlockSize;
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                // End-of-archive blocks. Read on like "tar --ignore-zeros" does, so that a second archive appended
                // behind the end mark (cat a.tar b.tar) is inspected too.
                sawEnd = true;
                continue;
            }

            if (!TarFields.ChecksumMatches(header))
            {
                if (sawEnd)
                {
                    continue; // padding after the end mark that is not a header: tar -i skips it looking for the next one
                }

                throw new InvalidDataException("a header's checksum is wrong");
            }

            var type = (char)header[156];
            if (!TarFields.TryParseSize(header.AsSpan(124, 12), out var size))
            {
                throw new InvalidDataException("a header's size field is not a number");
            }

            // Metadata for the next member: read it, then go on to that member.
            switch (type)
            {
                case 'x' or 'X':
                    pax = PaxRecords.Parse(ReadData(stream, position, size), pax);
                    position = Advance(stream, position, size);
                    continue;
                case 'g':
                    global = PaxRecords.Parse(ReadData(stream, position, size), global);
                    position = Advance(stream, position, size);
                    continue;
                case 'L':
                    longName = TarFields.Text(ReadData(stream, position, size)).ToArray();
                    position = Advance(stream, position, size);
                    continue;
                case 'K':
                    ReadData(stream, position, size); // the long link name: a link has no content to inspect
                    position = Advance(stream, position, size);
                    continue;
            }

            var name = MemberName(header, longName, pax, global);
            var effective = pax?.Size ?? global.Size ?? size;
            longName = null;
            var memberPax = pax;
            pax = null;

            if (type == 'S')
            {
                var (chunks, realSize, afterMap) = ReadGnuSparse(stream, header, position);
                position = afterMap;
                listing.Files.Add(CheckedSparse(name, position, size, realSize, chunks, stream.Length));
                position = Advance(stream, position, size);
            }
            else if (memberPax?.SparseMajor is not null || memberPax?.SparseMap is not null)
            {
                listing.Files.Add(PaxSparse(stream, name, position, effective, memberPax));
                position = Advance(stream, position, effective);
            }
            else
            {
                var next = Advance(stream, position, type == '5' ? 0 : effective); // first: a member cut off is not listed
                if (type == 'M')
                {
                    listing.Files.Add(new TarMember(name, position, 0, effective, null, "GNU multi-volume continuation"));
                }
                else if (HoldsFile(type, name))
                {
                    listing.Files.Add(new TarMember(name, position, effective, effective, null));
                }

                position = next;
            }

            if (listing.Files.Count > maxFiles)
            {
                throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {maxFiles} entries");
            }
        }
    }

    /// <summary>
    /// Regular files (v7 '\0', '0', contiguous '7') and, as GNU tar extracts them, members of a type it does not know.
    /// Links, devices, FIFOs, directories, dumpdirs and volume labels hold no file content. A regular member whose name
    /// ends in '/' is an old-style directory.
    /// </summary>
    private static bool HoldsFile(char type, string name) => type switch
    {
        '\0' or '0' or '7' => !name.EndsWith('/'),
        '1' or '2' or '3' or '4' or '5' or '6' or 'D' or 'V' or 'N' => false,
        _ => true,
    };

    private static string MemberName(byte[] header, byte[]? longName, PaxRecords? pax, PaxRecords global)
    {
        if ((pax?.Path ?? global.Path) is { } path)
        {
            return path;
        }

        if (longName is not null)
        {
            return ZipDirectory.DecodeName(longName, utf8Flag: false);
        }

        var name = TarFields.Text(header.AsSpan(0, 100));
        var magic = header.AsSpan(257, 8);
        if (magic.StartsWith("ustar\0"u8))
        {
            // POSIX ustar: a 155-byte prefix; star's variant keeps 131 bytes of it and marks itself "tar\0" at 508.
            var prefixLength = header.AsSpan(508, 4).SequenceEqual("tar\0"u8) ? 131 : 155;
            var prefix = TarFields.Text(header.AsSpan(345, prefixLength));
            if (!prefix.IsEmpty)
            {
                return ZipDirectory.DecodeName([.. prefix, (byte)'/', .. name], utf8Flag: false);
            }
        }

        return ZipDirectory.DecodeName(name, utf8Flag: false);
    }

    /// <summary>Old GNU sparse ('S'): four map entries in the header, more in 512-byte extension blocks after it.</summary>
    private static (List<SparseChunk> Chunks, long RealSize, long DataStart) ReadGnuSparse(Stream stream, byte[] header, long position)
    {
        var chunks = new List<SparseChunk>();
        var more = AddGnuChunks(header.AsSpan(386, 4 * 24), header[482], chunks);
        if (!TarFields.TryParseSize(header.AsSpan(483, 12), out var realSize))
        {
            throw new InvalidDataException("a sparse member's real size is not a number");
        }

        var block = new byte[TarFields.BlockSize];
        while (more)
        {
            if (ReadBlock(stream, position, block) < TarFields.BlockSize)
            {
                throw new InvalidDataException("the archive ends inside a sparse map");
            }

            position += TarFields.BlockSize;
            more = AddGnuChunks(block.AsSpan(0, 21 * 24), block[504], chunks);
        }

        return (chunks, realSize, position);
    }

    private static bool AddGnuChunks(ReadOnlySpan<byte> entries, byte isExtended, List<SparseChunk> chunks)
    {
        for (var i = 0; i + 24 <= entries.Length; i += 24)
        {
            if (entries[i + 12] == 0)
            {
                break; // an empty numbytes field ends the map (GNU tar's oldgnu_add_sparse)
            }

            if (!TarFields.TryParseSize(entries.Slice(i, 12), out var offset) || !TarFields.TryParseSize(entries.Slice(i + 12, 12), out var length))
            {
                throw new InvalidDataException("a sparse map entry is not a number");
            }

            if (chunks.Count >= MaxSparseChunks)
            {
                throw new InvalidDataException("a sparse map with too many entries");
            }

            chunks.Add(new SparseChunk(offset, length));
        }

        return isExtended != 0;
    }

    /// <summary>PAX sparse files: 0.0 and 0.1 keep the map in the pax header, 1.0 at the start of the member's data.</summary>
    private static TarMember PaxSparse(Stream stream, string name, long position, long storedSize, PaxRecords pax)
    {
        var realName = pax.SparseName ?? name;
        var realSize = pax.SparseRealSize ?? throw new InvalidDataException("a sparse member without its real size");
        if (pax.SparseMajor is "1")
        {
            if (pax.SparseMinor is not "0")
            {
                throw new InvalidDataException($"GNU sparse format 1.{pax.SparseMinor}");
            }

            var (chunks, mapBytes) = ReadSparseMap10(stream, position, storedSize);
            return CheckedSparse(realName, position + mapBytes, storedSize - mapBytes, realSize, chunks, stream.Length);
        }

        return CheckedSparse(realName, position, storedSize, realSize, pax.SparseMap ?? [], stream.Length);
    }

    /// <summary>GNU sparse 1.0: decimal numbers one a line (count, then offset/size pairs), padded to whole blocks.</summary>
    private static (List<SparseChunk> Chunks, long MapBytes) ReadSparseMap10(Stream stream, long position, long storedSize)
    {
        var reader = new DecimalLines(stream, position, storedSize);
        var count = reader.Next();
        if (count > MaxSparseChunks)
        {
            throw new InvalidDataException("a sparse map with too many entries");
        }

        var chunks = new List<SparseChunk>((int)count);
        for (var i = 0; i < count; i++)
        {
            chunks.Add(new SparseChunk(reader.Next(), reader.Next()));
        }

        return (chunks, TarFields.Padded(reader.Consumed));
    }

    private static TarMember CheckedSparse(string name, long dataOffset, long storedSize, long realSize, IReadOnlyList<SparseChunk> chunks, long archiveLength)
    {
        long end = 0, stored = 0;
        foreach (var chunk in chunks)
        {
            if (chunk.Offset < end || chunk.Length > realSize || chunk.Offset > realSize - chunk.Length)
            {
                throw new InvalidDataException("a sparse map out of order or past the file's end");
            }

            end = chunk.Offset + chunk.Length;
            stored += chunk.Length;
        }

        if (stored != storedSize || storedSize < 0 || dataOffset + storedSize > archiveLength)
        {
            throw new InvalidDataException("a sparse member's data does not match its map");
        }

        return new TarMember(name, dataOffset, storedSize, realSize, chunks);
    }

    private static int ReadBlock(Stream stream, long position, byte[] block)
    {
        stream.Position = position;
        return stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
    }

    private static byte[] ReadData(Stream stream, long position, long size)
    {
        if (size > MaxMetadataBytes)
        {
            throw new InvalidDataException("an extended header larger than 1 MiB");
        }

        if (position + size > stream.Length)
        {
            throw new InvalidDataException("the archive ends inside an extended header");
        }

        var data = new byte[size];
        stream.Position = position;
        stream.ReadExactly(data);
        return data;
    }

    /// <summary>The next header's position; the member's data must lie inside the archive.</summary>
    private static long Advance(Stream stream, long position, long size)
    {
        if (size > stream.Length - position)
        {
            throw new InvalidDataException("a member runs past the end of the archive");
        }

        return position + TarFields.Padded(size);
    }

    /// <summary>Reads the decimal lines of a GNU sparse 1.0 map.</summary>
    private sealed class DecimalLines(Stream stream, long start, long limit)
    {
        public long Consumed { get; private set; }

        public long Next()
        {
            long value = 0;
            var digits = 0;
            stream.Position = start + Consumed;
            while (true)
            {
                if (Consumed >= limit)
                {
                    throw new InvalidDataException("a sparse map runs past its member");
                }

                var b = stream.ReadByte();
                Consumed++;
                if (b == '\n' && digits > 0)
                {
                    return value;
                }

                if (b is < '0' or > '9' || digits >= 18)
                {
                    throw new InvalidDataException("a sparse map line is not a number");
                }

                value = (value * 10) + (b - '0');
                digits++;
            }
        }
    }
}
