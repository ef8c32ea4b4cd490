using System.Buffers.Binary;
using System.Text;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Inspection.Formats;

namespace Miraie.SafeMail.Core.Tests.Inspection.Formats;

/// <summary>
/// The name headers no Debian tool writes (LHA for Windows and UNLHA32 do): the code page header (0x46) and the
/// UTF-16 name headers (0x44/0x45), in level 2 headers built here around stored data.
/// </summary>
public class LzhArchiveTests
{
    private static readonly byte[] Data = Encoding.ASCII.GetBytes("minutes of the meeting\r\n");

    [Test]
    public void A_code_page_header_decides_how_the_name_is_read()
    {
        var name = "caf\u00E9.txt"u8.ToArray(); // valid UTF-8, and in CP932 "cafﾃｩ.txt"
        Names(Level2((0x01, name))).Should().Equal("café.txt");
        Names(Level2((0x46, BitConverter.GetBytes(932)), (0x01, name))).Should().Equal("cafﾃｩ.txt");
        Names(Level2((0x46, BitConverter.GetBytes(65001)), (0x01, Encoding.UTF8.GetBytes("見積書.txt")))).Should().Equal("見積書.txt");
    }

    [Test]
    public void Utf16_name_headers_win_over_the_code_page_name()
    {
        var archive = Level2(
            (0x01, "???.txt"u8.ToArray()),
            (0x02, [.. "??"u8, 0xFF]),
            (0x44, Encoding.Unicode.GetBytes("議事録.txt")),
            (0x45, Encoding.Unicode.GetBytes("会議/2026年\\")));
        Names(archive).Should().Equal("会議/2026年/議事録.txt");
    }

    [Test]
    public void A_header_crc_that_does_not_match_is_corruption()
    {
        var archive = Level2((0x00, [0x12, 0x34]), (0x01, "a.txt"u8.ToArray()));
        using var context = new InspectionContext(new InspectionLimits(), CancellationToken.None);
        LzhArchive.Read(new MemoryStream(archive), 10, context).Corruption.Should().Contain("header CRC");
    }

    private static string[] Names(byte[] archive)
    {
        using var context = new InspectionContext(new InspectionLimits(), CancellationToken.None);
        var listing = LzhArchive.Read(new MemoryStream(archive), 10, context);
        listing.Corruption.Should().BeNull();
        return [.. listing.Files.Select(f => f.Name)];
    }

    /// <summary>One stored (-lh0-) member with a level 2 header carrying the given extended headers, then the end mark.</summary>
    private static byte[] Level2(params (byte Type, byte[] Data)[] extended)
    {
        var ext = new List<byte>();
        foreach (var (type, data) in extended)
        {
            ext.AddRange(BitConverter.GetBytes((ushort)(3 + data.Length)));
            ext.Add(type);
            ext.AddRange(data);
        }

        ext.AddRange([0, 0]);
        var header = new byte[24 + ext.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)header.Length);
        "-lh0-"u8.CopyTo(header.AsSpan(2));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(7), (uint)Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(11), (uint)Data.Length);
        header[19] = 0x20;
        header[20] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(21), Crc16.Update(0, Data));
        header[23] = (byte)'w';
        ext.CopyTo(header, 24);
        return [.. header, .. Data, 0];
    }
}
