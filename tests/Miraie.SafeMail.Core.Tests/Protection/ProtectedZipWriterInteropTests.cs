using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Tests.TestSupport;
using static Miraie.SafeMail.Core.Tests.Protection.ProtectedZipFixtures;

namespace Miraie.SafeMail.Core.Tests.Protection;

/// <summary>
/// Every archive is judged by the real tools recipients use: 7-Zip for AES-256 and ZipCrypto, Info-ZIP unzip for
/// ZipCrypto and for how names and modes are listed.
/// </summary>
[TestFixture]
public sealed class ProtectedZipWriterInteropTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateTempDirectory() => _temp = new TempDirectory();

    [TearDown]
    public void DeleteTempDirectory() => _temp.Dispose();

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void Aes256_archive_opens_with_7z_byte_identical(bool nonSeekableOutput, bool nonSeekableInputs)
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256, nonSeekableOutput, nonSeekableInputs);

        var target = _temp.Subdirectory("out");
        var result = SevenZip.Extract(archive, Password, target);

        result.ExitCode.Should().Be(0, result.All);
        ShouldHoldExactlyTheAttachments(target);
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void ZipCrypto_archive_opens_with_unzip_byte_identical(bool nonSeekableOutput, bool nonSeekableInputs)
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.ZipCrypto, nonSeekableOutput, nonSeekableInputs);

        var target = _temp.Subdirectory("out");
        var result = ExternalTool.Run("unzip", "-q", "-P", Password, archive, "-d", target);

        result.ExitCode.Should().Be(0, result.All);
        ShouldHoldExactlyTheAttachments(target);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ZipCrypto_archive_opens_with_7z_byte_identical(bool nonSeekableOutput)
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.ZipCrypto, nonSeekableOutput);

        var target = _temp.Subdirectory("out");
        var result = SevenZip.Extract(archive, Password, target);

        result.ExitCode.Should().Be(0, result.All);
        ShouldHoldExactlyTheAttachments(target);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Seven_zip_lists_aes256_store_for_compressed_or_random_content_and_aes256_deflate_for_text(bool nonSeekableOutput)
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256, nonSeekableOutput);

        var methods = SevenZip.ListTechnical(archive).ToDictionary(e => e["Path"], e => e["Method"]);

        methods.Should().Equal(new Dictionary<string, string>
        {
            ["見積書.xlsx"] = "AES-256 Store",
            ["顧客一覧.csv"] = "AES-256 Deflate",
            ["議事録 2025年 第3回.txt"] = "AES-256 Store", // 50 bytes: deflate would not save 5 %
            ["空のファイル.txt"] = "AES-256 Store",
            ["large report.csv"] = "AES-256 Deflate",
            ["random.bin"] = "AES-256 Store",
        });
    }

    [Test]
    public void Seven_zip_lists_every_entry_of_a_zipcrypto_archive_as_zipcrypto()
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.ZipCrypto);

        var entries = SevenZip.ListTechnical(archive);

        entries.Should().HaveCount(Attachments.Count);
        entries.Should().AllSatisfy(e => e["Method"].Should().StartWith("ZipCrypto "));
        entries.Should().AllSatisfy(e => e["Encrypted"].Should().Be("+"));
        entries.Single(e => e["Path"] == "random.bin")["Method"].Should().Be("ZipCrypto Store");
        entries.Single(e => e["Path"] == "顧客一覧.csv")["Method"].Should().Be("ZipCrypto Deflate");
    }

    [Test]
    public void Aes256_entries_written_to_a_seekable_output_need_no_data_descriptor()
    {
        // SharpCompress's ZipArchive rejects AES entries that have one ("WinZip AES authentication failed").
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256);

        SevenZip.ListTechnical(archive).Should().AllSatisfy(e => e["Characteristics"].Should().NotContain("Descriptor"));
    }

    [Test]
    public void Stored_aes256_entries_of_known_size_need_no_data_descriptor_even_on_a_non_seekable_output()
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256, nonSeekableOutput: true);

        var stored = SevenZip.ListTechnical(archive).Where(e => e["Method"] == "AES-256 Store").ToList();
        stored.Should().NotBeEmpty();
        stored.Should().AllSatisfy(e => e["Characteristics"].Should().NotContain("Descriptor"));
    }

    [TestCase(ZipEncryption.Aes256)]
    [TestCase(ZipEncryption.ZipCrypto)]
    public void Wrong_password_fails_in_7z(ZipEncryption encryption)
    {
        var archive = _temp.File("protected.zip");
        Write(archive, encryption);

        var target = _temp.Subdirectory("out");
        var result = SevenZip.Extract(archive, "Wrong-password-42", target);

        result.ExitCode.Should().NotBe(0);
        result.All.Should().Contain("Wrong password");

        // ZipCrypto's header check is one byte, so a wrong password gets past it for 1 entry in 256 and 7-Zip then
        // writes garbage before the CRC fails; what must never come out is any original content.
        var originals = ProtectedZipFixtures.Attachments.Values.Where(v => v.Length > 0).ToList();
        var leaked = SevenZip.ReadTree(target).Values.Count(bytes => originals.Any(o => o.SequenceEqual(bytes)));
        leaked.Should().Be(0, "no plaintext may come out");
    }

    [Test]
    public void Wrong_password_fails_in_unzip_for_zipcrypto()
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.ZipCrypto);

        var target = _temp.Subdirectory("out");
        var result = ExternalTool.Run("unzip", "-P", "Wrong-password-42", archive, "-d", target);

        result.ExitCode.Should().NotBe(0);
        result.All.Should().Contain("incorrect password");
    }

    [TestCase(ZipEncryption.Aes256)]
    [TestCase(ZipEncryption.ZipCrypto)]
    public void Unzip_lists_utf8_japanese_names_as_regular_files_with_mode_0644(ZipEncryption encryption)
    {
        var archive = _temp.File("protected.zip");
        Write(archive, encryption);

        var result = ExternalTool.Run("unzip", "-Z", archive);

        result.ExitCode.Should().Be(0, result.All);
        var lines = result.StdOut.Split('\n').Where(line => line.Contains(" unx ", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(Attachments.Count);
        lines.Should().AllSatisfy(line => line.Should().StartWith("-rw-r--r--"));
        foreach (var name in Attachments.Keys)
        {
            lines.Should().ContainSingle(line => line.EndsWith(" " + name, StringComparison.Ordinal), "unzip must show {0} undamaged", name);
        }
    }

    [Test]
    public void Zip_entries_carry_the_utf8_flag()
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.ZipCrypto);

        SevenZip.ListTechnical(archive).Should().AllSatisfy(e => e["Characteristics"].Should().Contain("UTF8"));
    }

    private static void ShouldHoldExactlyTheAttachments(string directory)
    {
        var extracted = SevenZip.ReadTree(directory);
        extracted.Keys.Should().BeEquivalentTo(Attachments.Keys);
        foreach (var (name, content) in Attachments)
        {
            extracted[name].AsSpan().SequenceEqual(content).Should().BeTrue("{0} must come out byte-identical", name);
        }
    }
}
