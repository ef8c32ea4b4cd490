namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>CRC-16/ARC (polynomial 0x8005 reflected, 0xA001; initial 0), the checksum LHA keeps for each file and header.</summary>
internal static class Crc16
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ Table[(crc ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0xA001) : (ushort)(crc >> 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
