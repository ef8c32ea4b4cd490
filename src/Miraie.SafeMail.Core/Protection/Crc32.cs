namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320) as ZIP uses it: for the ZipCrypto entries' checksum, and byte by byte
/// inside ZipCrypto's key schedule. AES entries (AE-2) carry no CRC.
/// </summary>
internal static class Crc32
{
    /// <summary>State to start a checksum from (all ones); <see cref="Finish"/> inverts it back.</summary>
    internal const uint Initial = 0xFFFF_FFFF;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Feeds <paramref name="data"/> into a running state.</summary>
    internal static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    /// <summary>One raw update step, as ZipCrypto's key schedule defines it (no inversion).</summary>
    internal static uint UpdateByte(uint state, byte value) => Table[(state ^ value) & 0xFF] ^ (state >> 8);

    /// <summary>The checksum of everything appended since <see cref="Initial"/>.</summary>
    internal static uint Finish(uint state) => ~state;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < table.Length; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
