namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// The CRC-32 table step that ZipCrypto's key schedule is defined with (PKWARE APPNOTE 6.1.5). Whole-buffer CRCs use
/// <see cref="System.IO.Hashing.Crc32"/>; this single-byte step is not something it exposes.
/// </summary>
internal static class ZipCryptoCrc
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>One raw update step, as ZipCrypto's key schedule defines it (no inversion).</summary>
    internal static uint UpdateByte(uint state, byte value) => Table[(state ^ value) & 0xFF] ^ (state >> 8);

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
