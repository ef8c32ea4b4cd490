using System.Security.Cryptography;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>
/// Queue ids: 16 characters of Crockford base32 — 48 bits of milliseconds then 32 random bits — so they sort by
/// arrival, are unique across nodes, and read well over the phone (no I, L, O, U).
/// </summary>
public static class QueueId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new id for a message arriving at <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        var value = ((UInt128)(ulong)now.ToUnixTimeMilliseconds() << 32) | System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(random);
        Span<char> text = stackalloc char[16];
        for (var i = 15; i >= 0; i--)
        {
            text[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(text);
    }

    /// <summary>True for strings of the queue id's form (before a lookup, so garbage never reaches SQL or paths).</summary>
    public static bool IsValid(string? id) => id is { Length: 16 } && id.All(Alphabet.Contains);
}
