using System.Buffers.Binary;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// The <c>\x01Ole10Native</c> stream of an OLE Package ("Packager Shell Object"), the way Word, Excel, PowerPoint and
/// Outlook embed any file: uint32 size; uint16 2; label, source path (ANSI, NUL-terminated); uint32 0x00030000 (an
/// embedded file); uint32 length and temporary path; uint32 data size and the file's bytes; then, from Windows 7 on,
/// the temporary path, label and source path again in UTF-16LE (uint32 character count each). The label is the file's
/// name; the Unicode one wins when present, since the ANSI one is in the sender's code page (CP932 in Japan).
/// Only the header and the tail are read here; the data is handed on as a range of the stream.
/// </summary>
internal sealed record OleNativePackage(string Name, long DataOffset, long DataSize)
{
    private const int MaxHeaderBytes = 3 * 4096 + 64;
    private const int MaxTailBytes = 3 * (4 + (2 * 4096));
    private const ushort EmbeddedFile = 3;

    public static OleNativePackage Read(CompoundFile file, CfbEntry stream)
    {
        var header = new byte[(int)Math.Min(MaxHeaderBytes, Math.Max(stream.Size, 0))];
        using (var head = file.OpenStream(stream, 0, header.Length))
        {
            head.ReadExactly(header);
        }

        var position = 6; // uint32 size, uint16 flags
        var label = ZeroTerminated(header, ref position);
        var source = ZeroTerminated(header, ref position);
        if (Field(header, position + 2, 2) != EmbeddedFile)
        {
            throw new NotSupportedException("OLE Package of a linked file");
        }

        position += 4;
        position += 4 + (int)Math.Min(Field(header, position, 4), int.MaxValue / 2);
        var size = Field(header, position, 4);
        var dataOffset = position + 4L;
        if (dataOffset + size > stream.Size)
        {
            throw new InvalidDataException("OLE Package data runs past its stream");
        }

        var name = UnicodeLabel(file, stream, dataOffset + size) ?? Decode(label);
        if (name.Length == 0)
        {
            var path = Decode(source);
            name = path[(path.LastIndexOfAny(['\\', '/']) + 1)..];
        }

        return new OleNativePackage(name.Length > 0 ? name : "(名前なし/unnamed)", dataOffset, size);
    }

    /// <summary>The UTF-16 label after the data, when the writer added the Unicode strings.</summary>
    private static string? UnicodeLabel(CompoundFile file, CfbEntry stream, long tailOffset)
    {
        var tail = new byte[(int)Math.Min(MaxTailBytes, stream.Size - tailOffset)];
        if (tail.Length < 8)
        {
            return null;
        }

        using (var reader = file.OpenStream(stream, tailOffset, tail.Length))
        {
            reader.ReadExactly(tail);
        }

        var position = 0;
        string? label = null;
        for (var i = 0; i < 2; i++)
        {
            var characters = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(position));
            if (characters > 4096 || position + 4 + (2 * characters) > tail.Length)
            {
                return null; // not the Unicode strings: older writers end with the data
            }

            label = Encoding.Unicode.GetString(tail, position + 4, (int)characters * 2);
            position += 4 + ((int)characters * 2);
            if (i == 0 && position + 4 > tail.Length)
            {
                return null;
            }
        }

        return label is { Length: > 0 } ? label.TrimEnd('\0') : null;
    }

    private static byte[] ZeroTerminated(byte[] header, ref int position)
    {
        var end = position < header.Length ? Array.IndexOf(header, (byte)0, position) : -1;
        if (end < 0)
        {
            throw new InvalidDataException("OLE Package string unterminated");
        }

        var value = header[position..end];
        position = end + 1;
        return value;
    }

    private static uint Field(byte[] header, int position, int width) => position + width <= header.Length
        ? width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(position)) : BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(position))
        : throw new InvalidDataException("OLE Package header truncated");

    private static string Decode(byte[] ansi) => ZipDirectory.DecodeName(ansi, utf8Flag: false);
}
