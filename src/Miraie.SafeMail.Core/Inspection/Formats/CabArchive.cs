using System.Buffers.Binary;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Reads a Microsoft Cabinet's directory ([MS-CAB]): the CFHEADER (with its optional reserve areas), the CFFOLDER
/// entries and the CFFILE entries, names in UTF-8 when the file's attributes say so (_A_NAME_IS_UTF), else UTF-8 when
/// valid, else Shift_JIS. A cabinet that is part of a multi-cabinet set (a previous or next cabinet named, or a file
/// continued across cabinets) cannot be inspected alone. No library served here reads CAB (ADR-001).
/// </summary>
internal sealed class CabArchive
{
    private const int PreviousCabinet = 0x0001;
    private const int NextCabinet = 0x0002;
    private const int ReservePresent = 0x0004;
    private const int NameIsUtf8 = 0x80;

    private CabArchive(IReadOnlyList<CabFolder> folders, IReadOnlyList<CabFile> files)
    {
        Folders = folders;
        Files = files;
    }

    public IReadOnlyList<CabFolder> Folders { get; }

    public IReadOnlyList<CabFile> Files { get; }

    /// <summary>
    /// Reads the directory. Throws <see cref="InvalidDataException"/> for a damaged cabinet, <see cref="NotSupportedException"/>
    /// for a member of a multi-cabinet set, and <see cref="InspectionLimitException"/> for more than <paramref name="maxFiles"/> files.
    /// </summary>
    public static CabArchive Read(Stream stream, int maxFiles)
    {
        var header = ReadAt(stream, 0, 36);
        if (!header.AsSpan(0, 4).SequenceEqual("MSCF"u8))
        {
            throw new InvalidDataException("not a cabinet");
        }

        long cabinetSize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        long filesOffset = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16));
        var folderCount = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26));
        var fileCount = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30));
        if (header[25] != 1)
        {
            throw new NotSupportedException($"cabinet format version {header[25]}.{header[24]}");
        }

        if (cabinetSize > stream.Length)
        {
            throw new InvalidDataException("the cabinet is shorter than its header says (truncated)");
        }

        if ((flags & (PreviousCabinet | NextCabinet)) != 0)
        {
            throw new NotSupportedException("one cabinet of a multi-cabinet set");
        }

        if (fileCount > maxFiles)
        {
            throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {maxFiles} entries");
        }

        long position = 36;
        int folderReserve = 0, dataReserve = 0;
        if ((flags & ReservePresent) != 0)
        {
            var reserve = ReadAt(stream, position, 4);
            folderReserve = reserve[2];
            dataReserve = reserve[3];
            position += 4 + BinaryPrimitives.ReadUInt16LittleEndian(reserve);
        }

        var folders = new List<CabFolder>(folderCount);
        for (var i = 0; i < folderCount; i++)
        {
            var entry = ReadAt(stream, position, 8);
            long dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            var blocks = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(4));
            folders.Add(new CabFolder(dataOffset, blocks, BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(6)), dataReserve,
                FolderSize(stream, dataOffset, blocks, dataReserve)));
            position += 8 + folderReserve;
        }

        var files = new List<CabFile>(fileCount);
        position = filesOffset;
        for (var i = 0; i < fileCount; i++)
        {
            var entry = ReadAt(stream, position, 16);
            var folder = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(8));
            if (folder >= 0xFFFD)
            {
                throw new NotSupportedException("a file continued from or into another cabinet");
            }

            if (folder >= folders.Count)
            {
                throw new InvalidDataException("a file in a folder the cabinet does not have");
            }

            long size = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(4));
            if (offset + size > folders[folder].Size)
            {
                throw new InvalidDataException("a file runs past the end of its folder");
            }

            var attributes = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(14));
            var (name, nameLength) = ReadName(stream, position + 16, (attributes & NameIsUtf8) != 0);
            files.Add(new CabFile(name, size, offset, folder));
            position += 16 + nameLength + 1;
        }

        return new CabArchive(folders, files);
    }

    /// <summary>Walks a folder's CFDATA headers (all inside the cabinet) and adds up their uncompressed sizes.</summary>
    private static long FolderSize(Stream stream, long position, int blocks, int reserve)
    {
        long size = 0;
        for (var i = 0; i < blocks; i++)
        {
            var header = ReadAt(stream, position, 8);
            size += BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
            position += 8 + reserve + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4));
            if (position > stream.Length)
            {
                throw new InvalidDataException("a data block runs past the end of the cabinet");
            }
        }

        return size;
    }

    private static (string Name, int Length) ReadName(Stream stream, long position, bool utf8)
    {
        var bytes = ReadAt(stream, position, (int)Math.Min(257, stream.Length - position));
        var end = Array.IndexOf(bytes, (byte)0);
        if (end < 0)
        {
            throw new InvalidDataException("a file name without its end (over 256 bytes)");
        }

        var name = ZipDirectory.DecodeName(bytes.AsSpan(0, end), utf8).Replace('\\', '/');
        return (name, end);
    }

    internal static byte[] ReadAt(Stream stream, long position, int count)
    {
        if (position < 0 || count < 0 || count > stream.Length - position)
        {
            throw new InvalidDataException("the cabinet ends inside its directory");
        }

        var buffer = new byte[count];
        stream.Position = position;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
