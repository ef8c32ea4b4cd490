using System.Buffers.Binary;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// A minimal reader of Microsoft's Compound File Binary format (MS-CFB): the header, the FAT and mini FAT chains
/// and the directory, enough to list streams, walk a storage's children (Outlook items, OLE objects) and read streams.
/// No library served here fits (ADR-001); every offset and chain is bounds-checked because the input is hostile.
/// </summary>
internal sealed class CompoundFile
{
    internal const uint EndOfChain = 0xFFFFFFFE;
    internal const uint MaxRegularSector = 0xFFFFFFFA;
    private const int DirectoryEntrySize = 128;
    private const int MaxMiniStreamBytes = 64 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly int _sectorSize;
    private readonly uint[] _fat;
    private readonly uint[] _miniFat;
    private readonly uint _miniStreamCutoff;
    private readonly CfbEntry _root;
    private readonly Dictionary<int, CfbEntry> _byId;
    private byte[]? _miniStream;

    private CompoundFile(Stream stream, int sectorSize, uint[] fat, uint[] miniFat, uint miniStreamCutoff, List<CfbEntry> entries)
    {
        _stream = stream;
        _sectorSize = sectorSize;
        _fat = fat;
        _miniFat = miniFat;
        _miniStreamCutoff = miniStreamCutoff;
        Entries = entries;
        _root = entries[0];
        _byId = entries.ToDictionary(e => e.Id);
    }

    /// <summary>Every storage and stream in the file, root first.</summary>
    public IReadOnlyList<CfbEntry> Entries { get; }

    /// <summary>The root storage.</summary>
    public CfbEntry Root => _root;

    /// <summary>The class id of the root storage (identifies MSI packages, for one).</summary>
    public Guid RootClassId => _root.ClassId;

    /// <summary>
    /// The streams and storages directly inside <paramref name="storage"/>, walking its children's tree. Each entry is
    /// visited once however the links are drawn, so a looping or shared tree ends.
    /// </summary>
    public IReadOnlyList<CfbEntry> Children(CfbEntry storage)
    {
        var children = new List<CfbEntry>();
        var seen = new HashSet<uint>();
        var pending = new Stack<uint>();
        pending.Push(storage.Child);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (id > int.MaxValue || !_byId.TryGetValue((int)id, out var entry) || entry.Type == CfbEntryType.Root || !seen.Add(id))
            {
                continue;
            }

            children.Add(entry);
            pending.Push(entry.Left);
            pending.Push(entry.Right);
        }

        return children;
    }

    /// <summary>A child of <paramref name="storage"/> by name (case-insensitive, as CFB compares names) and type.</summary>
    public CfbEntry? FindChild(CfbEntry storage, string name, CfbEntryType type = CfbEntryType.Stream) =>
        Children(storage).FirstOrDefault(e => e.Type == type && e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Bytes in the streams under <paramref name="storage"/>, at any depth (what an attached item weighs).</summary>
    public long TotalSize(CfbEntry storage)
    {
        long total = 0;
        var pending = new Stack<CfbEntry>([storage]);
        var seen = new HashSet<int>();
        while (pending.Count > 0)
        {
            foreach (var child in Children(pending.Pop()).Where(c => seen.Add(c.Id)))
            {
                if (child.Type == CfbEntryType.Stream)
                {
                    total += Math.Max(child.Size, 0);
                }
                else
                {
                    pending.Push(child);
                }
            }
        }

        return total;
    }

    /// <summary>
    /// <paramref name="count"/> bytes of <paramref name="entry"/> from <paramref name="offset"/> (by default all of it) as
    /// a forward-only stream, read sector by sector as it is consumed (a large attachment is never held in memory here).
    /// Throws <see cref="InvalidDataException"/> when the range is outside the stream or the chain is broken.
    /// </summary>
    public Stream OpenStream(CfbEntry entry, long offset = 0, long count = -1)
    {
        var size = Math.Max(entry.Size, 0);
        count = count < 0 ? size - offset : count;
        if (offset < 0 || count < 0 || offset + count > size)
        {
            throw new InvalidDataException("CFB stream range out of bounds");
        }

        if (entry.Size >= _miniStreamCutoff)
        {
            return new CfbChainStream(_stream, _sectorSize, _fat, entry.StartSector, offset, offset + count);
        }

        var bytes = ReadStream(entry, MaxMiniStreamBytes);
        return offset + count <= bytes.Length
            ? new MemoryStream(bytes, (int)offset, (int)count, writable: false)
            : throw new InvalidDataException("CFB mini stream truncated");
    }

    /// <summary>Finds a stream by name (case-insensitive, as CFB compares names).</summary>
    public CfbEntry? FindStream(string name) =>
        Entries.FirstOrDefault(e => e.Type == CfbEntryType.Stream && e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses the header, FAT and directory of <paramref name="stream"/>. Throws <see cref="InvalidDataException"/> when broken.</summary>
    public static CompoundFile Open(Stream stream)
    {
        var header = new byte[512];
        stream.Position = 0;
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new InvalidDataException("CFB header truncated");
        }

        var sectorShift = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30));
        if (sectorShift is not (9 or 12))
        {
            throw new InvalidDataException("CFB sector size invalid");
        }

        var sectorSize = 1 << sectorShift;
        var sectorCount = (stream.Length - sectorSize + sectorSize - 1) / sectorSize;
        var fatSectorCount = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(44));
        var firstDirectorySector = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(48));
        var miniStreamCutoff = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(56));
        var firstMiniFatSector = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(60));
        var firstDifatSector = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(68));
        if (fatSectorCount > sectorCount)
        {
            throw new InvalidDataException("CFB FAT larger than the file");
        }

        // The DIFAT lists FAT sectors: 109 in the header, the rest in a chain of DIFAT sectors.
        var fatSectors = new List<uint>();
        for (var i = 0; i < 109 && fatSectors.Count < fatSectorCount; i++)
        {
            fatSectors.Add(BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(76 + (i * 4))));
        }

        var difatSector = firstDifatSector;
        var guard = 0;
        var sector = new byte[sectorSize];
        while (fatSectors.Count < fatSectorCount && difatSector <= MaxRegularSector)
        {
            if (++guard > sectorCount)
            {
                throw new InvalidDataException("CFB DIFAT chain loops");
            }

            ReadSector(stream, sectorSize, difatSector, sector);
            for (var i = 0; i < (sectorSize / 4) - 1 && fatSectors.Count < fatSectorCount; i++)
            {
                fatSectors.Add(BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(i * 4)));
            }

            difatSector = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(sectorSize - 4));
        }

        var fat = new uint[fatSectors.Count * (sectorSize / 4)];
        for (var f = 0; f < fatSectors.Count; f++)
        {
            ReadSector(stream, sectorSize, fatSectors[f], sector);
            for (var i = 0; i < sectorSize / 4; i++)
            {
                fat[(f * (sectorSize / 4)) + i] = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(i * 4));
            }
        }

        var directoryBytes = ReadChain(stream, sectorSize, fat, firstDirectorySector, maxBytes: 4 * 1024 * 1024);
        var entries = new List<CfbEntry>();
        for (var offset = 0; offset + DirectoryEntrySize <= directoryBytes.Length; offset += DirectoryEntrySize)
        {
            var span = directoryBytes.AsSpan(offset, DirectoryEntrySize);
            var type = (CfbEntryType)span[66];
            if (type is not (CfbEntryType.Storage or CfbEntryType.Stream or CfbEntryType.Root))
            {
                continue;
            }

            var nameLength = Math.Clamp((int)BinaryPrimitives.ReadUInt16LittleEndian(span[64..]), 2, 64);
            var name = Encoding.Unicode.GetString(span[..(nameLength - 2)]);
            var size = BinaryPrimitives.ReadInt64LittleEndian(span[120..]);
            if (sectorSize == 512)
            {
                size &= 0xFFFFFFFF; // version 3 files leave the high half undefined
            }

            entries.Add(new CfbEntry(offset / DirectoryEntrySize, name, type, new Guid(span.Slice(80, 16)), BinaryPrimitives.ReadUInt32LittleEndian(span[116..]), size,
                BinaryPrimitives.ReadUInt32LittleEndian(span[68..]), BinaryPrimitives.ReadUInt32LittleEndian(span[72..]), BinaryPrimitives.ReadUInt32LittleEndian(span[76..])));
        }

        if (entries.Count == 0 || entries[0].Type != CfbEntryType.Root)
        {
            throw new InvalidDataException("CFB root entry missing");
        }

        var miniFatBytes = firstMiniFatSector <= MaxRegularSector
            ? ReadChain(stream, sectorSize, fat, firstMiniFatSector, maxBytes: 16 * 1024 * 1024)
            : [];
        var miniFat = new uint[miniFatBytes.Length / 4];
        for (var i = 0; i < miniFat.Length; i++)
        {
            miniFat[i] = BinaryPrimitives.ReadUInt32LittleEndian(miniFatBytes.AsSpan(i * 4));
        }

        return new CompoundFile(stream, sectorSize, fat, miniFat, miniStreamCutoff, entries);
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> from the start of <paramref name="entry"/>.</summary>
    public byte[] ReadStream(CfbEntry entry, int maxBytes)
    {
        var wanted = (int)Math.Min(entry.Size, maxBytes);
        if (wanted <= 0)
        {
            return [];
        }

        if (entry.Size >= _miniStreamCutoff)
        {
            var bytes = ReadChain(_stream, _sectorSize, _fat, entry.StartSector, wanted);
            return bytes.Length > wanted ? bytes[..wanted] : bytes;
        }

        // Small streams live in 64-byte mini sectors inside the root entry's mini stream (read once, then kept).
        var miniStream = _miniStream ??= ReadChain(_stream, _sectorSize, _fat, _root.StartSector, (int)Math.Clamp(_root.Size, 0, MaxMiniStreamBytes));
        if (entry.Size > miniStream.Length)
        {
            throw new InvalidDataException("CFB mini stream shorter than the stream in it");
        }

        var result = new byte[wanted];
        var written = 0;
        var miniSector = entry.StartSector;
        var guard = 0;
        while (written < wanted && miniSector <= MaxRegularSector)
        {
            if (++guard > _miniFat.Length + 1)
            {
                throw new InvalidDataException("CFB mini FAT chain loops");
            }

            var offset = (long)miniSector * 64;
            if (offset + 64 > miniStream.Length)
            {
                throw new InvalidDataException("CFB mini sector out of range");
            }

            var count = Math.Min(64, wanted - written);
            miniStream.AsSpan((int)offset, count).CopyTo(result.AsSpan(written));
            written += count;
            miniSector = miniSector < _miniFat.Length ? _miniFat[miniSector] : EndOfChain;
        }

        return written == wanted ? result : result[..written];
    }

    private static byte[] ReadChain(Stream stream, int sectorSize, uint[] fat, uint start, int maxBytes)
    {
        using var output = new MemoryStream();
        var sector = new byte[sectorSize];
        var current = start;
        var guard = 0;
        while (current <= MaxRegularSector && output.Length < maxBytes)
        {
            if (++guard > fat.Length + 1)
            {
                throw new InvalidDataException("CFB FAT chain loops");
            }

            ReadSector(stream, sectorSize, current, sector);
            output.Write(sector);
            current = current < fat.Length ? fat[current] : EndOfChain;
        }

        return output.ToArray();
    }

    /// <summary>Reads sector <paramref name="index"/>; a short last sector is padded with zeros.</summary>
    internal static void ReadSector(Stream stream, int sectorSize, uint index, byte[] buffer)
    {
        var offset = ((long)index + 1) * sectorSize;
        if (offset + sectorSize > stream.Length)
        {
            // The last sector of a file is often short; pad it with zeros rather than reject the file.
            if (offset >= stream.Length)
            {
                throw new InvalidDataException("CFB sector out of range");
            }

            Array.Clear(buffer);
        }

        stream.Position = offset;
        stream.ReadAtLeast(buffer, (int)Math.Min(sectorSize, stream.Length - offset), throwOnEndOfStream: true);
    }
}
