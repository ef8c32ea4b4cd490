using System.Text;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

public class TextDetectorTests
{
    static TextDetectorTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [TestCase(65001, "UTF-8")]
    [TestCase(932, "Shift_JIS")]
    [TestCase(51932, "EUC-JP")]
    public void Japanese_text_is_recognised_in_each_encoding(int codePage, string expected)
    {
        var bytes = Encoding.GetEncoding(codePage).GetBytes("お世話になっております。見積書を送付いたします。ｶﾀｶﾅ");
        TextDetector.Detect(bytes, bytes.Length).Should().Be(expected);
    }

    [Test]
    public void A_multibyte_character_cut_by_the_sample_is_still_text_only_when_the_file_goes_on()
    {
        var bytes = Encoding.UTF8.GetBytes("見積書");
        var cut = bytes[..^1];
        TextDetector.Detect(cut, length: 100).Should().Be("UTF-8");
        TextDetector.Detect(cut, length: cut.Length).Should().NotBe("UTF-8");
    }

    [Test]
    public void A_nul_byte_makes_it_binary()
    {
        TextDetector.Detect("abc\0def"u8, 7).Should().BeNull();
    }

    [Test]
    public void Iso_2022_jp_is_seven_bit_with_escapes()
    {
        var bytes = Encoding.GetEncoding(50220).GetBytes("見積書");
        TextDetector.Detect(bytes, bytes.Length).Should().Be("ISO-2022-JP");
    }
}
