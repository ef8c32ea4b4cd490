using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Tests.TestSupport;

namespace Miraie.SafeMail.Core.Tests.Protection;

/// <summary>What we write must read as protected to our own gateway, whatever way it was written.</summary>
public class ProtectedZipInspectionTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateTempDirectory() => _temp = new TempDirectory();

    [TearDown]
    public void DeleteTempDirectory() => _temp.Dispose();

    [TestCase(ZipEncryption.Aes256, false, "AES-256")]
    [TestCase(ZipEncryption.Aes256, true, "AES-256")]
    [TestCase(ZipEncryption.ZipCrypto, false, "ZipCrypto")]
    [TestCase(ZipEncryption.ZipCrypto, true, "ZipCrypto")]
    public async Task Our_archives_are_classified_protected_by_our_inspector(ZipEncryption encryption, bool nonSeekableOutput, string method)
    {
        var path = _temp.File("見積.zip");
        ProtectedZipFixtures.Write(path, encryption, nonSeekableOutput);

        await using var stream = File.OpenRead(path);
        var node = await new MessageInspector(new InspectionLimits()).InspectFileAsync(stream, "見積.zip");
        node.Kind.Should().Be(FileKind.Zip);
        node.Protection.Should().Be(ProtectionStatus.Protected, node.Detail.En);
        node.Encryption.Should().Be(method);
        node.Children.Select(c => c.Name).Should().BeEquivalentTo(ProtectedZipFixtures.Attachments.Keys);
        node.Children.Should().OnlyContain(c => c.Protection == ProtectionStatus.Protected && c.Disguise == Disguises.None);
    }
}
