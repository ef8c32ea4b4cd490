namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// What an attachment's bytes are, decided by content (magic numbers and structure), never by its name or
/// declared Content-Type alone. The set is fixed by the product specification (PRODUCT.md, "Kind").
/// </summary>
public enum FileKind
{
    /// <summary>Content that could not be identified, or was not read (an encrypted archive entry).</summary>
    Unknown,
    /// <summary>PDF document.</summary>
    Pdf,
    /// <summary>Office Open XML package (docx, xlsx, pptx) that is not encrypted.</summary>
    Ooxml,
    /// <summary>Compound File Binary (OLE): legacy .doc/.xls/.ppt, an encrypted OOXML document, an OLE Package, .msi …</summary>
    Cfb,
    /// <summary>ZIP archive (not an OOXML package).</summary>
    Zip,
    /// <summary>7-Zip archive.</summary>
    SevenZip,
    /// <summary>RAR archive, version 4 or 5.</summary>
    Rar,
    /// <summary>gzip stream.</summary>
    Gzip,
    /// <summary>tar archive (ustar, pax or GNU).</summary>
    Tar,
    /// <summary>Raster image: PNG, JPEG, GIF, BMP, TIFF, WebP, HEIF.</summary>
    Image,
    /// <summary>Text in a common encoding (UTF-8, UTF-16 with BOM, Shift_JIS, EUC-JP, ISO-2022-JP, ASCII): txt, csv, html, xml, rtf …</summary>
    Text,
    /// <summary>Something that runs: PE (exe, dll, scr), ELF, Mach-O, Windows shortcut, MSI, or a script.</summary>
    Executable,
    /// <summary>Outlook's Transport Neutral Encapsulation Format (winmail.dat).</summary>
    Tnef,
    /// <summary>An RFC 5322 message (message/rfc822 or an attached .eml), or an Outlook item (.msg).</summary>
    Message,
    /// <summary>LZH (LHA) archive, still sent by Japanese companies.</summary>
    Lzh,
    /// <summary>Microsoft Cabinet (.cab).</summary>
    Cab,
    /// <summary>ISO 9660 disc image (.iso).</summary>
    Iso,
    /// <summary>OpenDocument package (odt, ods, odp …): a ZIP whose first entry is a stored <c>mimetype</c>.</summary>
    Odf,
    /// <summary>A CMS (PKCS #7) object as S/MIME sends it: encrypted (EnvelopedData, AuthEnvelopedData) or signed (SignedData, .p7m/.p7s).</summary>
    Smime,
    /// <summary>OpenPGP data by its packets, binary or armored: an encrypted message (.gpg, .pgp, .asc), a signature.</summary>
    OpenPgp,
}
