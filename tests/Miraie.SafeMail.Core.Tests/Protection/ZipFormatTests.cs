using Miraie.SafeMail.Core.Protection;

namespace Miraie.SafeMail.Core.Tests.Protection;

[TestFixture]
public sealed class ZipFormatTests
{
    [Test]
    public void Dos_time_packs_wall_clock_time_in_two_second_steps()
    {
        var (time, date) = ZipFormat.DosDateTime(new DateTime(2024, 3, 5, 10, 20, 31));

        time.Should().Be((10 << 11) | (20 << 5) | 15);
        date.Should().Be(((2024 - 1980) << 9) | (3 << 5) | 5);
    }

    [Test]
    public void Dos_time_clamps_to_the_range_the_format_holds()
    {
        ZipFormat.DosDateTime(new DateTime(1970, 1, 1)).Should().Be(ZipFormat.DosDateTime(new DateTime(1980, 1, 1)));
        ZipFormat.DosDateTime(new DateTime(2200, 1, 1)).Should().Be(ZipFormat.DosDateTime(new DateTime(2107, 12, 31, 23, 59, 58)));
    }

    [Test]
    public void ZipCrypto_crc_step_gives_the_standard_crc32_check_value()
    {
        // The table step, run over the check string with the usual pre- and post-inversion, gives CRC-32's check value.
        var state = 0xFFFF_FFFFu;
        foreach (var b in "123456789"u8)
        {
            state = ZipCryptoCrc.UpdateByte(state, b);
        }

        (~state).Should().Be(0xCBF43926);
    }
}
