using System.Buffers.Binary;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Reads OpenPGP packet headers (RFC 9580 §4.2: OpenPGP and legacy formats, one-, two- and five-octet, partial and
/// indeterminate lengths) from a seekable stream, skipping the bodies, to tell an encrypted message (session keys, then
/// one encrypted data packet that ends exactly where the data ends) from a detached signature, from other OpenPGP data,
/// from something that only starts like OpenPGP. Written by hand (ADR-001): a header is a few bytes, and no library
/// served here reads them without also wanting keys. Bounded: at most <see cref="MaxPackets"/> packets and chunks,
/// every length checked against the data left; never throws for bad input.
/// </summary>
internal static class OpenPgpPackets
{
    /// <summary>Packets plus partial-length chunks read before giving up.</summary>
    public const int MaxPackets = 100_000;

    private const int PublicKeySessionKey = 1;
    private const int Signature = 2;
    private const int SymmetricKeySessionKey = 3;
    private const int SymmetricallyEncrypted = 9;
    private const int Marker = 10;
    private const int IntegrityProtected = 18;
    private const int AeadEncrypted = 20;

    /// <summary>Reads every packet from the stream's position to its end.</summary>
    public static OpenPgpSummary Read(Stream stream, CancellationToken cancellationToken)
    {
        var packets = new List<(int Tag, int Version)>();
        var budget = MaxPackets;
        while (stream.Position < stream.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TryReadPacket(stream, ref budget, out var tag, out var version))
            {
                return OpenPgpSummary.Invalid;
            }

            if (tag != Marker)
            {
                packets.Add((tag, version));
            }
        }

        return Summarise(packets);
    }

    /// <summary>
    /// True when <paramref name="head"/> begins with the header of a session-key or signature packet whose version and
    /// algorithm bytes are ones RFC 9580 defines: enough to call the content OpenPGP and have it read in full.
    /// </summary>
    public static bool StartsLikeOpenPgp(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || (head[0] & 0x80) == 0)
        {
            return false;
        }

        int tag, headerLength;
        long length;
        if ((head[0] & 0x40) != 0)
        {
            tag = head[0] & 0x3F;
            if (head[1] < 192)
            {
                (length, headerLength) = (head[1], 2);
            }
            else if (head[1] < 224)
            {
                (length, headerLength) = (((head[1] - 192) << 8) + head[2] + 192, 3);
            }
            else if (head[1] == 255 && head.Length >= 6)
            {
                (length, headerLength) = (BinaryPrimitives.ReadUInt32BigEndian(head[2..]), 6);
            }
            else
            {
                return false; // partial lengths are for data packets only
            }
        }
        else
        {
            tag = (head[0] >> 2) & 0x0F;
            (length, headerLength) = (head[0] & 3) switch
            {
                0 => (head[1], 2),
                1 => (BinaryPrimitives.ReadUInt16BigEndian(head[1..]), 3),
                2 when head.Length >= 5 => (BinaryPrimitives.ReadUInt32BigEndian(head[1..]), 5),
                _ => (-1L, 0),
            };
        }

        if (length is < 4 or > 65536 || head.Length < headerLength + 3)
        {
            return false;
        }

        var body = head[headerLength..];
        return tag switch
        {
            PublicKeySessionKey => body[0] == 3 ? body.Length > 9 && body[9] is 1 or 2 or 16 or 18 or 25 or 26 : body[0] == 6,
            SymmetricKeySessionKey => body[0] is 4 or 5 or 6 && body[1] is >= 1 and <= 13,
            Signature => body[0] == 3 ? body[1] == 5 : body[0] is 4 or 5 or 6 && IsSignatureType(body[1]),
            _ => false,
        };
    }

    private static bool IsSignatureType(byte type) => type is 0x00 or 0x01 or 0x02 or 0x10 or 0x11 or 0x12 or 0x13 or 0x18 or 0x19 or 0x1F
        or 0x20 or 0x28 or 0x30 or 0x40 or 0x50;

    private static OpenPgpSummary Summarise(List<(int Tag, int Version)> packets)
    {
        if (packets.Count == 0)
        {
            return OpenPgpSummary.Invalid;
        }

        if (packets.All(p => p.Tag == Signature))
        {
            return packets.All(p => p.Version is 3 or 4 or 5 or 6) ? new OpenPgpSummary(OpenPgpContent.SignatureOnly) : OpenPgpSummary.Invalid;
        }

        int publicKeys = 0, passwords = 0, i = 0;
        for (; i < packets.Count && packets[i].Tag is PublicKeySessionKey or SymmetricKeySessionKey; i++)
        {
            var (tag, version) = packets[i];
            if (tag == PublicKeySessionKey ? version is not (3 or 6) : version is not (4 or 5 or 6))
            {
                return OpenPgpSummary.Invalid;
            }

            _ = tag == PublicKeySessionKey ? publicKeys++ : passwords++;
        }

        if (i == 0)
        {
            // No session key first: readable OpenPGP (compressed, literal, one-pass signed, keys) when every tag is a defined one
            // and none is encrypted data or a session key (encrypted data whose key is not given is malformed, not readable).
            return packets.All(p => p.Tag is >= 1 and <= 14 or >= 17 and <= 21
                    && p.Tag is not (PublicKeySessionKey or SymmetricKeySessionKey or SymmetricallyEncrypted or IntegrityProtected or AeadEncrypted))
                ? new OpenPgpSummary(OpenPgpContent.NotEncrypted)
                : OpenPgpSummary.Invalid;
        }

        if (i != packets.Count - 1)
        {
            return OpenPgpSummary.Invalid; // session keys must be followed by exactly one encrypted data packet, and nothing after it
        }

        var data = packets[i] switch
        {
            (IntegrityProtected, 1) => "seipd-v1",
            (IntegrityProtected, 2) => "seipd-v2",
            (AeadEncrypted, 1) => "aead",
            (SymmetricallyEncrypted, _) => "sed",
            _ => null,
        };
        return data is null ? OpenPgpSummary.Invalid : new OpenPgpSummary(OpenPgpContent.Encrypted, publicKeys, passwords, data);
    }

    /// <summary>Reads one packet's header, notes the first body byte (its version), and skips the body.</summary>
    private static bool TryReadPacket(Stream stream, ref int budget, out int tag, out int version)
    {
        tag = 0;
        version = -1;
        var first = stream.ReadByte();
        if (first < 0 || (first & 0x80) == 0 || --budget < 0)
        {
            return false;
        }

        if ((first & 0x40) == 0)
        {
            tag = (first >> 2) & 0x0F;
            var length = (first & 3) switch
            {
                0 => ReadBigEndian(stream, 1),
                1 => ReadBigEndian(stream, 2),
                2 => ReadBigEndian(stream, 4),
                _ => stream.Length - stream.Position, // indeterminate: to the end of the data
            };
            return tag != 0 && TrySkipBody(stream, length, ref version);
        }

        tag = first & 0x3F;
        var firstChunk = true;
        while (true)
        {
            if (!TryReadNewLength(stream, out var length, out var partial)
                || (partial && (tag is not (8 or SymmetricallyEncrypted or 11 or IntegrityProtected or AeadEncrypted) || (firstChunk && length < 512)))
                || (!firstChunk && --budget < 0))
            {
                return false;
            }

            var bodyStart = -1;
            if (!TrySkipBody(stream, length, ref bodyStart))
            {
                return false;
            }

            version = firstChunk ? bodyStart : version;

            if (!partial)
            {
                return tag != 0;
            }

            firstChunk = false;
        }
    }

    private static bool TryReadNewLength(Stream stream, out long length, out bool partial)
    {
        partial = false;
        var first = stream.ReadByte();
        switch (first)
        {
            case < 0:
                length = -1;
                return false;
            case < 192:
                length = first;
                return true;
            case < 224:
                var second = stream.ReadByte();
                length = second < 0 ? -1 : ((first - 192) << 8) + second + 192;
                return second >= 0;
            case 255:
                length = ReadBigEndian(stream, 4);
                return length >= 0;
            default:
                length = 1L << (first & 0x1F);
                partial = true;
                return true;
        }
    }

    private static long ReadBigEndian(Stream stream, int count)
    {
        long value = 0;
        for (var i = 0; i < count; i++)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                return -1;
            }

            value = (value << 8) | (uint)b;
        }

        return value;
    }

    private static bool TrySkipBody(Stream stream, long length, ref int firstByte)
    {
        if (length < 0 || length > stream.Length - stream.Position)
        {
            return false;
        }

        if (length > 0)
        {
            firstByte = stream.ReadByte();
            stream.Position += length - 1;
        }

        return true;
    }
}
