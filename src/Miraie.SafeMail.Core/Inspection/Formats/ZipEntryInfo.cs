namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>One central-directory record of a ZIP archive.</summary>
internal sealed record ZipEntryInfo(
    string Name,
    bool IsDirectory,
    ZipEntryEncryption Encryption,
    ushort Method,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    uint Crc32);
