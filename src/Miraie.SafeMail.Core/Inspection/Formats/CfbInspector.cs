using System.Buffers.Binary;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Decides whether a compound file is password-protected: encrypted OOXML (EncryptionInfo + EncryptedPackage),
/// or legacy Word, Excel and PowerPoint files with their own encryption flags. MSI packages are executables, Outlook
/// items (.msg) are messages (<see cref="MsgInspector"/>), and an OLE object carrying a file (an OLE Package, an
/// embedded OOXML package or PDF) is a transparent wrapper around that file.
/// </summary>
internal static class CfbInspector
{
    // Root class ids of Windows Installer packages, patches and transforms.
    private static readonly Guid[] InstallerClassIds =
    [
        new("000C1084-0000-0000-C000-000000000046"),
        new("000C1086-0000-0000-C000-000000000046"),
        new("000C1082-0000-0000-C000-000000000046"),
    ];

    private const ushort WordIdent = 0xA5EC;
    private const ushort WordEncryptedFlag = 0x0100;
    private const ushort ExcelFilePass = 0x002F;
    private const ushort ExcelEof = 0x000A;
    private const uint PowerPointEncryptedToken = 0xF3D1C4DF;

    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var file = CompoundFile.Open(stream);
        if (InstallerClassIds.Contains(file.RootClassId))
        {
            return new Assessment(FileKind.Executable, ProtectionStatus.NotProtected, InspectionTexts.ExecutableFile("Windows Installer"));
        }

        var meter = new ExpansionMeter(inspector.Context, content.Length);
        if (MsgInspector.IsItem(file, file.Root))
        {
            return await MsgInspector.AssessAsync(file, file.Root, site, inspector, meter).ConfigureAwait(false);
        }

        if (file.FindStream("EncryptionInfo") is { } info && file.FindStream("EncryptedPackage") is not null)
        {
            var method = OoxmlEncryptionName(file.ReadStream(info, 8));
            return new Assessment(FileKind.Cfb, ProtectionStatus.Protected, InspectionTexts.OfficeEncrypted(method)) { Encryption = method };
        }

        return await EmbeddedObjectAsync(file, file.Root, site, inspector, meter).ConfigureAwait(false) is { } embedded
            ? Assessment.Transparent(FileKind.Cfb, [embedded])
            : AssessOffice(file);
    }

    /// <summary>
    /// The file an OLE object storage carries, inspected as an item: an OLE Package's <c>\x01Ole10Native</c> (a file
    /// under its own name), or in an OLE object (one with <c>\x01Ole</c> or <c>\x01CompObj</c>) a <c>Package</c> stream
    /// (an embedded OOXML document) or a <c>CONTENTS</c> stream (a PDF embedded by Acrobat). Null when there is none.
    /// </summary>
    public static async Task<AttachmentNode?> EmbeddedObjectAsync(CompoundFile file, CfbEntry storage, NodeSite site, ContentInspector inspector, ExpansionMeter meter)
    {
        if (file.FindChild(storage, "\u0001Ole10Native") is { } native)
        {
            var package = OleNativePackage.Read(file, native);
            return await inspector.ExpandAsync(() => file.OpenStream(native, package.DataOffset, package.DataSize), site.Child(package.Name),
                package.DataSize, meter).ConfigureAwait(false);
        }

        if (file.FindChild(storage, "\u0001Ole") is null && file.FindChild(storage, "\u0001CompObj") is null)
        {
            return null;
        }

        var payload = file.FindChild(storage, "Package") ?? file.FindChild(storage, "CONTENTS");
        return payload is null
            ? null
            : await inspector.ExpandAsync(() => file.OpenStream(payload), site.Child(payload.Name), payload.Size, meter).ConfigureAwait(false);
    }

    private static Assessment AssessOffice(CompoundFile file)
    {
        if (file.FindStream("WordDocument") is { } word)
        {
            var fib = file.ReadStream(word, 12);
            if (fib.Length < 12 || BinaryPrimitives.ReadUInt16LittleEndian(fib) != WordIdent)
            {
                throw new InvalidDataException("Word FIB missing");
            }

            return (BinaryPrimitives.ReadUInt16LittleEndian(fib.AsSpan(10)) & WordEncryptedFlag) != 0
                ? Encrypted("Word 97-2003")
                : Assessment.Plain(FileKind.Cfb);
        }

        if ((file.FindStream("Workbook") ?? file.FindStream("Book")) is { } workbook)
        {
            return ExcelHasFilePass(file.ReadStream(workbook, 1024 * 1024)) ? Encrypted("Excel 97-2003") : Assessment.Plain(FileKind.Cfb);
        }

        if (file.FindStream("PowerPoint Document") is not null && file.FindStream("Current User") is { } currentUser)
        {
            // CurrentUserAtom: 8-byte record header, size, then headerToken — a different token marks an encrypted file.
            var atom = file.ReadStream(currentUser, 16);
            if (atom.Length < 16)
            {
                throw new InvalidDataException("PowerPoint CurrentUserAtom truncated");
            }

            return BinaryPrimitives.ReadUInt32LittleEndian(atom.AsSpan(12)) == PowerPointEncryptedToken
                ? Encrypted("PowerPoint 97-2003")
                : Assessment.Plain(FileKind.Cfb);
        }

        return Assessment.Plain(FileKind.Cfb);
    }

    private static Assessment Encrypted(string what) =>
        new(FileKind.Cfb, ProtectionStatus.Protected, InspectionTexts.OfficeEncrypted(what)) { Encryption = "office-97-2003" };

    private static string OoxmlEncryptionName(byte[] versionInfo)
    {
        if (versionInfo.Length < 4)
        {
            return "ooxml";
        }

        var major = BinaryPrimitives.ReadUInt16LittleEndian(versionInfo);
        var minor = BinaryPrimitives.ReadUInt16LittleEndian(versionInfo.AsSpan(2));
        return (major, minor) switch
        {
            (4, 4) => "ooxml-agile",
            (3 or 4, 2) => "ooxml-standard",
            (_, 3) => "ooxml-extensible",
            _ => "ooxml",
        };
    }

    /// <summary>Walks BIFF records of the workbook globals: a FILEPASS record before the first EOF means encrypted.</summary>
    private static bool ExcelHasFilePass(ReadOnlySpan<byte> stream)
    {
        var offset = 0;
        var first = true;
        while (offset + 4 <= stream.Length)
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(stream[offset..]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(stream[(offset + 2)..]);
            if (first && (type & 0x00FF) != 0x09)
            {
                throw new InvalidDataException("Excel workbook does not start with BOF");
            }

            first = false;
            if (type == ExcelFilePass)
            {
                return true;
            }

            if (type == ExcelEof)
            {
                return false;
            }

            offset += 4 + length;
        }

        return false;
    }
}
