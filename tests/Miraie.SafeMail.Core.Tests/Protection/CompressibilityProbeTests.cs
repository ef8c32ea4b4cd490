using System.IO.Compression;
using System.Security.Cryptography;
using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Tests.TestSupport;

namespace Miraie.SafeMail.Core.Tests.Protection;

[TestFixture]
public sealed class CompressibilityProbeTests
{
    [Test]
    public void Text_is_deflated()
    {
        CompressibilityProbe.ShouldStore(SampleContent.CsvText(100_000)).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_are_stored_whatever_their_name()
    {
        CompressibilityProbe.ShouldStore(RandomNumberGenerator.GetBytes(100_000)).Should().BeTrue();
    }

    [Test]
    public void Gzip_made_by_the_runtime_is_stored()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(SampleContent.CsvText(100_000));
        }

        CompressibilityProbe.ShouldStore(buffer.ToArray()).Should().BeTrue();
    }

    [TestCase("504B0304", TestName = "Zip_and_ooxml_signature_means_store")]
    [TestCase("377ABCAF271C", TestName = "Seven_zip_signature_means_store")]
    [TestCase("526172211A0700", TestName = "Rar4_signature_means_store")]
    [TestCase("526172211A070100", TestName = "Rar5_signature_means_store")]
    [TestCase("1F8B08", TestName = "Gzip_signature_means_store")]
    [TestCase("FFD8FFE0", TestName = "Jpeg_signature_means_store")]
    [TestCase("89504E470D0A1A0A", TestName = "Png_signature_means_store")]
    [TestCase("255044462D312E37", TestName = "Pdf_signature_means_store")]
    [TestCase("0000001C6674797069736F6D", TestName = "Mp4_signature_means_store")]
    [TestCase("52494646000000005745425056503820", TestName = "Webp_signature_means_store")]
    public void Compressed_format_signature_means_store(string signatureHex)
    {
        // Highly compressible filler after the signature: only the signature can make the decision.
        var content = Convert.FromHexString(signatureHex).Concat(new byte[10_000]).ToArray();

        CompressibilityProbe.ShouldStore(content).Should().BeTrue();
    }

    [Test]
    public void Compressible_content_without_a_signature_is_deflated()
    {
        CompressibilityProbe.ShouldStore(new byte[10_000]).Should().BeFalse();
    }

    [Test]
    public void Tiny_content_that_deflate_cannot_shrink_is_stored()
    {
        CompressibilityProbe.ShouldStore("OK"u8).Should().BeTrue();
    }
}
