namespace Miraie.SafeMail.Core.Protection;

/// <summary>What the local header, data descriptor and central directory say about one entry.</summary>
internal sealed class ZipEntryRecord
{
    internal const ushort MethodStored = 0;
    internal const ushort MethodDeflated = 8;

    internal required byte[] NameUtf8 { get; init; }

    /// <summary>The real compression method (for AES it goes into the 0x9901 field; the header says 99).</summary>
    internal required ushort Method { get; init; }

    internal required bool Aes { get; init; }

    /// <summary>True when sizes and CRC follow the data in a descriptor (general purpose flag bit 3).</summary>
    internal required bool HasDataDescriptor { get; init; }

    internal required ushort DosTime { get; init; }

    internal required ushort DosDate { get; init; }

    /// <summary>Seconds since 1970 (UTC) for the UT extra field, or <c>null</c> when out of its 32-bit range.</summary>
    internal required uint? UnixTime { get; init; }

    internal required long LocalHeaderOffset { get; init; }

    internal uint Crc { get; set; }

    /// <summary>Size of everything stored for the entry: cipher header, (compressed) data, cipher trailer.</summary>
    internal long CompressedSize { get; set; }

    internal long UncompressedSize { get; set; }
}
