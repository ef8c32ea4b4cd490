using System.Text;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

public class Base64ValidatorTests
{
    private static Task<bool> Valid(string encoded) => Base64Validator.IsValidAsync(new MemoryStream(Encoding.ASCII.GetBytes(encoded)), CancellationToken.None);

    [TestCase("TWFu\r\n")]
    [TestCase("TWE=\r\n")]
    [TestCase("TQ==\r\n")]
    [TestCase("TWFu\r\nTWFu\r\n  \r\n")]
    [TestCase("")]
    [TestCase("TWE")] // padding left off: still decodable
    public async Task Well_formed_base64_is_accepted(string encoded)
    {
        (await Valid(encoded)).Should().BeTrue();
    }

    [TestCase("TW!u")]
    [TestCase("TWFu\r\n%%%%")]
    [TestCase("TQ==TWFu")]
    [TestCase("TWFuT")]
    [TestCase("T===")]
    [TestCase("TWF=\r\nTQ==")]
    public async Task Damaged_base64_is_refused(string encoded)
    {
        (await Valid(encoded)).Should().BeFalse();
    }

    [Test]
    public async Task A_large_part_is_checked_across_buffer_boundaries()
    {
        var body = Convert.ToBase64String(new byte[3 * 300_000], Base64FormattingOptions.InsertLineBreaks);
        (await Valid(body)).Should().BeTrue();
        var broken = body.Remove(body.Length / 2, 1).Insert(body.Length / 2, "*");
        (await Valid(broken)).Should().BeFalse();
        (await Valid(body + "\r\nQQ==")).Should().BeTrue();
        (await Valid(body[..^3])).Should().BeFalse("a last group of one character cannot be decoded");
    }
}
