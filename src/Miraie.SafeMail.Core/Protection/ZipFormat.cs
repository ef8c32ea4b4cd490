using System.Text;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// The byte layout of the ZIP records the writer emits (PKWARE APPNOTE 6.3, WinZip AE-2): local header, data
/// descriptor, central directory header and end record. Archives stay under the 4 GiB / 65,535-entry limits, so
/// there is no Zip64 — the writer refuses anything larger.
/// </summary>
internal static class ZipFormat
{
    internal const long MaxSize = uint.MaxValue;
    internal const int MaxEntries = ushort.MaxValue;

    /// <summary>Offset of CRC, compressed size and uncompressed size inside a local header.</summary>
    internal const int LocalHeaderCrcOffset = 14;

    private const uint LocalHeaderSignature = 0x0403_4B50;
    private const uint DataDescriptorSignature = 0x0807_4B50;
    private const uint CentralHeaderSignature = 0x0201_4B50;
    private const uint EndOfCentralDirectorySignature = 0x0605_4B50;

    private const ushort AesMethod = 99;
    private const ushort VersionAes = 51; // 5.1: WinZip AES, as 7-Zip writes it
    private const ushort VersionEncrypted = 20; // 2.0: deflate and traditional encryption
    private const ushort VersionMadeByUnix = (3 << 8) | 63; // Unix host, so unzip applies mode bits and UTF-8 names

    private const ushort FlagEncrypted = 1 << 0;
    private const ushort FlagDataDescriptor = 1 << 3;
    private const ushort FlagUtf8 = 1 << 11;

    /// <summary>Unix "regular file, rw-r--r--" (0100644) in the high half of the external attributes.</summary>
    private const uint UnixRegularFile644 = 0x81A4_0000;

    private const ushort ExtendedTimestampTag = 0x5455;
    private const ushort AesTag = 0x9901;

    internal static byte[] LocalHeader(ZipEntryRecord entry)
    {
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true);
        w.Write(LocalHeaderSignature);
        w.Write(entry.Aes ? VersionAes : VersionEncrypted);
        w.Write(Flags(entry));
        w.Write(entry.Aes ? AesMethod : entry.Method);
        w.Write(entry.DosTime);
        w.Write(entry.DosDate);
        WriteCrcAndSizes(w, entry);
        w.Write((ushort)entry.NameUtf8.Length);
        w.Write((ushort)ExtraLength(entry));
        w.Write(entry.NameUtf8);
        WriteExtra(w, entry);
        w.Flush();
        return bytes.ToArray();
    }

    /// <summary>The 12 bytes at <see cref="LocalHeaderCrcOffset"/>, to patch a local header once sizes are known.</summary>
    internal static byte[] CrcAndSizes(ZipEntryRecord entry)
    {
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes);
        WriteCrcAndSizes(w, entry);
        w.Flush();
        return bytes.ToArray();
    }

    internal static byte[] DataDescriptor(ZipEntryRecord entry)
    {
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes);
        w.Write(DataDescriptorSignature);
        w.Write(entry.Crc);
        w.Write((uint)entry.CompressedSize);
        w.Write((uint)entry.UncompressedSize);
        w.Flush();
        return bytes.ToArray();
    }

    internal static byte[] CentralHeader(ZipEntryRecord entry)
    {
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes);
        w.Write(CentralHeaderSignature);
        w.Write(VersionMadeByUnix);
        w.Write(entry.Aes ? VersionAes : VersionEncrypted);
        w.Write(Flags(entry));
        w.Write(entry.Aes ? AesMethod : entry.Method);
        w.Write(entry.DosTime);
        w.Write(entry.DosDate);
        w.Write(entry.Crc);
        w.Write((uint)entry.CompressedSize);
        w.Write((uint)entry.UncompressedSize);
        w.Write((ushort)entry.NameUtf8.Length);
        w.Write((ushort)ExtraLength(entry));
        w.Write((ushort)0); // comment length
        w.Write((ushort)0); // disk number
        w.Write((ushort)0); // internal attributes
        w.Write(UnixRegularFile644);
        w.Write((uint)entry.LocalHeaderOffset);
        w.Write(entry.NameUtf8);
        WriteExtra(w, entry);
        w.Flush();
        return bytes.ToArray();
    }

    internal static byte[] EndOfCentralDirectory(int entries, long centralDirectorySize, long centralDirectoryOffset)
    {
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes);
        w.Write(EndOfCentralDirectorySignature);
        w.Write((ushort)0); // this disk
        w.Write((ushort)0); // disk where the central directory starts
        w.Write((ushort)entries);
        w.Write((ushort)entries);
        w.Write((uint)centralDirectorySize);
        w.Write((uint)centralDirectoryOffset);
        w.Write((ushort)0); // comment length
        w.Flush();
        return bytes.ToArray();
    }

    /// <summary>MS-DOS time and date of a wall-clock time, clamped to the 1980–2107 range the format can hold.</summary>
    internal static (ushort Time, ushort Date) DosDateTime(DateTime wallClock)
    {
        if (wallClock.Year < 1980)
        {
            wallClock = new DateTime(1980, 1, 1);
        }
        else if (wallClock.Year > 2107)
        {
            wallClock = new DateTime(2107, 12, 31, 23, 59, 58);
        }

        var time = (wallClock.Hour << 11) | (wallClock.Minute << 5) | (wallClock.Second / 2);
        var date = ((wallClock.Year - 1980) << 9) | (wallClock.Month << 5) | wallClock.Day;
        return ((ushort)time, (ushort)date);
    }

    private static ushort Flags(ZipEntryRecord entry) =>
        (ushort)(FlagEncrypted | FlagUtf8 | (entry.HasDataDescriptor ? FlagDataDescriptor : 0));

    private static void WriteCrcAndSizes(BinaryWriter w, ZipEntryRecord entry)
    {
        // With a data descriptor the local header carries zeros; readers take the values from the descriptor.
        w.Write(entry.HasDataDescriptor ? 0u : entry.Crc);
        w.Write(entry.HasDataDescriptor ? 0u : (uint)entry.CompressedSize);
        w.Write(entry.HasDataDescriptor ? 0u : (uint)entry.UncompressedSize);
    }

    private static int ExtraLength(ZipEntryRecord entry) => (entry.UnixTime is null ? 0 : 9) + (entry.Aes ? 11 : 0);

    private static void WriteExtra(BinaryWriter w, ZipEntryRecord entry)
    {
        if (entry.UnixTime is { } unixTime)
        {
            // Extended timestamp: flags (bit 0 = modification time present), then the time.
            w.Write(ExtendedTimestampTag);
            w.Write((ushort)5);
            w.Write((byte)1);
            w.Write(unixTime);
        }

        if (entry.Aes)
        {
            w.Write(AesTag);
            w.Write((ushort)7);
            w.Write((ushort)2); // AE-2: no CRC, the HMAC authenticates
            w.Write("AE"u8);
            w.Write((byte)3); // AES-256
            w.Write(entry.Method);
        }
    }
}
