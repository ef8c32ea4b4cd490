using System.Text;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>What counts as header fields when a report part or a signed entity must prove it is one.</summary>
public class HeaderFieldsTests
{
    [Test]
    public void Blocks_are_separated_by_blank_lines_and_continuations_belong_to_their_field()
    {
        var blocks = HeaderFields.Blocks("\r\nReporting-MTA: dns; mail.example.co.jp\r\n\r\nFinal-Recipient: rfc822;\r\n a@example.co.jp\nAction: failed\n\n\n"u8);
        blocks.Should().NotBeNull();
        blocks!.Select(b => b.Order(StringComparer.Ordinal)).Should().BeEquivalentTo(new[] { new[] { "reporting-mta" }, new[] { "action", "final-recipient" } });
    }

    [Test]
    public void Raw_ISO_2022_JP_in_a_field_is_text_and_binary_is_not()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        HeaderFields.Blocks(Encoding.GetEncoding("iso-2022-jp").GetBytes("Subject: 御見積書送付の件\r\n")).Should().HaveCount(1, "old Japanese mailers send JIS unencoded");
        HeaderFields.Blocks("Subject: a\r\n\0PK\x03\x04"u8).Should().BeNull();
        HeaderFields.Blocks("PK\x03\x04\x14\0\0\0"u8).Should().BeNull();
        HeaderFields.Blocks(" continued: with nothing before\r\n"u8).Should().BeNull();
        HeaderFields.Blocks("Subject: ok\r\nthis line is not a field\r\n"u8).Should().BeNull();
        HeaderFields.Blocks([0x53, 0x3A, 0x20, 0xFF, 0xFE]).Should().BeNull("not UTF-8");
    }

    [Test]
    public void A_MIME_entity_starts_with_a_header_block_holding_Content_Type()
    {
        HeaderFields.StartsMimeEntity("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n44GC\r\n"u8).Should().BeTrue();
        HeaderFields.StartsMimeEntity("content-type: multipart/mixed;\n boundary=x\n\n--x--\n"u8).Should().BeTrue();
        HeaderFields.StartsMimeEntity("Subject: no content type\r\n\r\nbody"u8).Should().BeFalse();
        HeaderFields.StartsMimeEntity("%PDF-1.4\r\n\r\n"u8).Should().BeFalse();
        HeaderFields.StartsMimeEntity("Content-Type: text/plain"u8).Should().BeFalse("a header never ended by a blank line");
    }
}
