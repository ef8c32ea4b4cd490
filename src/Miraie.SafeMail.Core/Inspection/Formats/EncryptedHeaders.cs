using System.Buffers.Binary;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Confirms from the format's own structure that an archive's headers are encrypted, so that an exception from
/// the archive library is read as "needs a password" only when it really is that — a corrupt archive must stay
/// unknown, never pass as protected.
/// </summary>
internal static class EncryptedHeaders
{
    private static ReadOnlySpan<byte> SevenZipAesCoder => [0x06, 0xF1, 0x07, 0x01];

    public static bool Present(Stream stream, FileKind kind)
    {
        try
        {
            return kind switch
            {
                FileKind.SevenZip => SevenZip(stream),
                FileKind.Rar => Rar(stream),
                _ => false,
            };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>7z: the next header is an encoded header (0x17) whose coder list names 7zAES (06 F1 07 01).</summary>
    private static bool SevenZip(Stream stream)
    {
        var signature = new byte[32];
        stream.Position = 0;
        stream.ReadExactly(signature);
        var offset = BinaryPrimitives.ReadInt64LittleEndian(signature.AsSpan(12));
        var size = BinaryPrimitives.ReadInt64LittleEndian(signature.AsSpan(20));
        if (offset < 0 || size is <= 0 or > 4096 || 32 + offset + size > stream.Length)
        {
            return false;
        }

        var header = new byte[size];
        stream.Position = 32 + offset;
        stream.ReadExactly(header);
        return header[0] == 0x17 && header.AsSpan().IndexOf(SevenZipAesCoder) > 0;
    }

    /// <summary>RAR5: the first block after the signature is the archive encryption header (type 4). RAR4: the main header's password flag.</summary>
    private static bool Rar(Stream stream)
    {
        var head = new byte[32];
        stream.Position = 0;
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 16 && head[6] == 0x01)
        {
            var position = 8 + 4; // signature, header CRC32
            ReadVarInt(head, ref position); // header size
            return ReadVarInt(head, ref position) == 4;
        }

        // RAR4 main archive header: CRC16, type 0x73, flags (0x0080 = block headers encrypted).
        return read >= 13 && head[9] == 0x73 && (BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10)) & 0x0080) != 0;
    }

    private static ulong ReadVarInt(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64 && position < bytes.Length; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("RAR vint too long");
    }
}
