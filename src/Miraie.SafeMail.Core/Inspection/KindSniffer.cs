using System.Buffers.Binary;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Decides a kind from the first bytes of content by magic numbers and structure. Names never decide a kind here;
/// the one place a name counts is telling a script from other text (see <see cref="ContentInspector"/>).
/// </summary>
internal static class KindSniffer
{
    private static ReadOnlySpan<byte> Cfb => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static ReadOnlySpan<byte> SevenZip => [(byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C];
    private static ReadOnlySpan<byte> Rar4 => [(byte)'R', (byte)'a', (byte)'r', (byte)'!', 0x1A, 0x07, 0x00];
    private static ReadOnlySpan<byte> Rar5 => [(byte)'R', (byte)'a', (byte)'r', (byte)'!', 0x1A, 0x07, 0x01, 0x00];
    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> Lnk => [0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00];
    private static ReadOnlySpan<byte> Elf => [0x7F, (byte)'E', (byte)'L', (byte)'F'];
    private static ReadOnlySpan<byte> Matroska => [0x1A, 0x45, 0xDF, 0xA3];
    private static ReadOnlySpan<byte> Xz => [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    /// <summary>Sniffs <paramref name="head"/>, the first bytes (up to 8 KB) of content whose full length is <paramref name="length"/>.</summary>
    public static SniffResult Sniff(ReadOnlySpan<byte> head, long length)
    {
        if (length == 0)
        {
            return new SniffResult(FileKind.Text, "empty");
        }

        if (IsOdf(head))
        {
            return new SniffResult(FileKind.Odf, "ODF");
        }

        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.StartsWith("PK\x07\x08PK"u8))
        {
            return new SniffResult(FileKind.Zip, "ZIP");
        }

        if (head.StartsWith(Cfb))
        {
            return new SniffResult(FileKind.Cfb, "CFB");
        }

        if (IsTar(head))
        {
            return new SniffResult(FileKind.Tar, "tar");
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return new SniffResult(FileKind.Pdf, "PDF");
        }

        if (head.StartsWith(SevenZip))
        {
            return new SniffResult(FileKind.SevenZip, "7z");
        }

        if (head.StartsWith(Rar5))
        {
            return new SniffResult(FileKind.Rar, "RAR5");
        }

        if (head.StartsWith(Rar4))
        {
            return new SniffResult(FileKind.Rar, "RAR4");
        }

        if (head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 0x08)
        {
            return new SniffResult(FileKind.Gzip, "gzip");
        }

        if (head.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == 0x223E9F78)
        {
            return new SniffResult(FileKind.Tnef, "TNEF");
        }

        if (IsLzh(head))
        {
            return new SniffResult(FileKind.Lzh, "LZH");
        }

        if (head.StartsWith("MSCF\0\0\0\0"u8))
        {
            return new SniffResult(FileKind.Cab, "CAB");
        }

        if (SniffExecutable(head) is { } executable)
        {
            return new SniffResult(FileKind.Executable, executable);
        }

        if (SniffImage(head) is { } image)
        {
            return new SniffResult(FileKind.Image, image);
        }

        if (SniffSecureMail(head) is { } secure)
        {
            return secure;
        }

        // Viewers accept a PDF header anywhere in the first 1 KB; checked only after every exact magic number,
        // because archives, executables and winmail.dat often carry a PDF near their start.
        if (head.IndexOf("%PDF-"u8) is > 0 and < 1024)
        {
            return new SniffResult(FileKind.Pdf, "PDF");
        }

        if (SniffUnsupported(head) is { } unsupported)
        {
            return new SniffResult(FileKind.Unknown, unsupported, Unsupported: true);
        }

        if (TextDetector.Detect(head, length) is { } encoding)
        {
            // A script is text: whether it runs depends on its name (PRODUCT.md "Disguised"; ContentInspector's script
            // extensions). A Ruby file with "#!" named .txt opens in an editor, never runs.
            return LooksLikeMessage(head) ? new SniffResult(FileKind.Message, "RFC 5322") : new SniffResult(FileKind.Text, encoding);
        }

        return new SniffResult(FileKind.Unknown, "binary");
    }

    private static string? SniffExecutable(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("MZ"u8))
        {
            if (head.Length >= 0x40)
            {
                var peOffset = BinaryPrimitives.ReadInt32LittleEndian(head[0x3C..]);
                if (peOffset > 0 && peOffset + 4 <= head.Length && head.Slice(peOffset, 4).SequenceEqual("PE\0\0"u8))
                {
                    return "PE";
                }
            }

            return "DOS/PE";
        }

        if (head.StartsWith(Elf))
        {
            return "ELF";
        }

        if (head.Length >= 8)
        {
            var magic = BinaryPrimitives.ReadUInt32BigEndian(head);
            if (magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE)
            {
                return "Mach-O";
            }

            if (magic == 0xCAFEBABE)
            {
                // Universal Mach-O binaries and Java classes share this magic: a fat header counts a few architectures,
                // a class file's next four bytes are its version (45 and up).
                return BinaryPrimitives.ReadUInt32BigEndian(head[4..]) < 30 ? "Mach-O universal" : "Java class";
            }
        }

        return head.StartsWith(Lnk) ? "Windows shortcut (.lnk)" : null;
    }

    private static string? SniffImage(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Png))
        {
            return "PNG";
        }

        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return "JPEG";
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return "GIF";
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (head.Length >= 26 && head.StartsWith("BM"u8) && BinaryPrimitives.ReadUInt32LittleEndian(head[14..]) is 12 or 40 or 52 or 56 or 108 or 124)
        {
            return "BMP";
        }

        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = head.Slice(8, 4);
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("avif"u8))
            {
                return "HEIF";
            }
        }

        return null;
    }

    /// <summary>Formats we know by sight but do not read: named so the reason says what they are.</summary>
    private static string? SniffUnsupported(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("BZh"u8))
        {
            return "bzip2";
        }

        if (head.StartsWith(Xz))
        {
            return "xz";
        }

        if (head.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == 0xFD2FB528)
        {
            return "Zstandard";
        }

        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return "MP4/QuickTime";
        }

        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && head[1] is 0xFB or 0xF3 or 0xF2))
        {
            return "MP3";
        }

        if (head.StartsWith("RIFF"u8))
        {
            return "RIFF (WAV/AVI)";
        }

        if (head.StartsWith("OggS"u8) || head.StartsWith("fLaC"u8) || head.StartsWith(Matroska))
        {
            return "audio/video";
        }

        return null;
    }

    /// <summary>
    /// S/MIME's CMS objects (a DER/BER ContentInfo naming a PKCS #7 or S/MIME content type) and OpenPGP data (binary:
    /// a session-key or signature packet header; armored: a BEGIN PGP MESSAGE / SIGNATURE line). The readers confirm.
    /// </summary>
    private static SniffResult? SniffSecureMail(ReadOnlySpan<byte> head)
    {
        if (head.Length > 0 && head[0] == 0x30 && Formats.CmsReader.ContentTypeOf(head) is not null)
        {
            return new SniffResult(FileKind.Smime, "CMS");
        }

        if (Formats.OpenPgpPackets.StartsLikeOpenPgp(head) || Formats.OpenPgpArmor.StartsArmored(head))
        {
            return new SniffResult(FileKind.OpenPgp, "OpenPGP");
        }

        return null;
    }

    /// <summary>An LZH header: a method like <c>-lh5-</c> (or LArc's <c>-lz5-</c>) at offset 2 and a header level 0 to 3.</summary>
    private static bool IsLzh(ReadOnlySpan<byte> head) =>
        head.Length >= 24 && head[2] == (byte)'-' && head[3] == (byte)'l' && head[4] is (byte)'h' or (byte)'z' && head[6] == (byte)'-'
        && head[20] <= 3 && (head[20] >= 2 || head[0] >= 22);
    /// <summary>
    /// OpenDocument's own signature (ODF 1.2 part 3, 3.3): the first ZIP entry is <c>mimetype</c>, stored and not
    /// encrypted, holding <c>application/vnd.oasis.opendocument.…</c>, so its bytes sit at a fixed place.
    /// </summary>
    private static bool IsOdf(ReadOnlySpan<byte> head)
    {
        if (head.Length < 38 || !head.StartsWith("PK\x03\x04"u8))
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(head[6..]);
        var method = BinaryPrimitives.ReadUInt16LittleEndian(head[8..]);
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(head[26..]);
        var data = 38 + BinaryPrimitives.ReadUInt16LittleEndian(head[28..]);
        return (flags & 1) == 0 && method == 0 && nameLength == 8 && head.Slice(30, 8).SequenceEqual("mimetype"u8)
            && data < head.Length && head[data..].StartsWith("application/vnd.oasis.opendocument."u8);
    }

    /// <summary>A tar header: the ustar magic, or (old v7 archives) a header block whose checksum adds up.</summary>
    private static bool IsTar(ReadOnlySpan<byte> head)
    {
        if (head.Length < 512)
        {
            return false;
        }

        if (head.Slice(257, 5).SequenceEqual("ustar"u8))
        {
            return true;
        }

        var field = head.Slice(148, 8);
        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        if (text.Length == 0 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        var stated = Convert.ToInt64(text, 8);
        long sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : head[i];
        }

        return sum == stated && head[0] != 0;
    }

    /// <summary>An RFC 5322 message: starts with header fields and carries at least two that every message has.</summary>
    private static bool LooksLikeMessage(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        var endCrLf = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0 && endCrLf < 0)
        {
            return false;
        }

        var headerBlock = text[..(endCrLf >= 0 && (end < 0 || endCrLf < end) ? endCrLf : end)];
        var lines = headerBlock.Split('\n');
        if (lines.Length == 0 || !IsHeaderLine(lines[0]))
        {
            return false;
        }

        string[] telling = ["from:", "to:", "subject:", "date:", "message-id:", "received:", "mime-version:", "return-path:"];
        var found = telling.Count(h => lines.Any(l => l.StartsWith(h, StringComparison.OrdinalIgnoreCase)));
        return found >= 2 && lines.All(l => l.Length == 0 || l[0] is ' ' or '\t' || IsHeaderLine(l.TrimEnd('\r')) || l == "\r");
    }

    private static bool IsHeaderLine(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && line[..colon].All(c => c is > ' ' and < '\x7F' and not ':');
    }
}
