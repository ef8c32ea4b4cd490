namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>How one ZIP entry is encrypted.</summary>
internal enum ZipEntryEncryption
{
    None,
    ZipCrypto,
    Aes128,
    Aes192,
    Aes256,
    /// <summary>PKWARE Strong Encryption (general-purpose flag bit 6).</summary>
    Strong,
}
