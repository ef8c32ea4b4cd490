using System.Diagnostics;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Inspection.Formats;

namespace Miraie.SafeMail.Core.Tests.Inspection.Formats;

public class TarArchiveTests
{
    private static string TarFolder => Path.Combine(TestPaths.CorpusOutput, "files", "containers", "tar");

    [TestCase(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x65, 0x78 }, 91512L)]
    [TestCase(new byte[] { 0x80, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFE }, 4294967294L)]
    [TestCase(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD, 0x49, 0xEF, 0x6F, 0x00 }, -11644473600L)]
    [TestCase(new byte[] { 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, null)]
    [TestCase(new byte[] { (byte)' ', (byte)' ', (byte)'1', (byte)'7', (byte)'7', (byte)'7', 0, 0 }, 1023L)]
    [TestCase(new byte[] { (byte)'0', (byte)'0', (byte)'0', (byte)'6', (byte)'4', (byte)'4', (byte)' ', 0 }, 420L)]
    [TestCase(new byte[] { (byte)'+', (byte)'B', (byte)'A', 0 }, 64L)]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, null)]
    [TestCase(new byte[] { (byte)'1', (byte)'8', (byte)'0', 0 }, null)]
    [TestCase(new byte[] { (byte)'1', (byte)'2', (byte)'x', 0 }, null)]
    public void Numeric_fields_are_read_in_every_form_gnu_tar_reads(byte[] field, long? expected)
    {
        TarFields.TryParse(field, out var value).Should().Be(expected is not null);
        if (expected is { } number)
        {
            value.Should().Be(number);
        }
    }

    [TestCase("gnu-sparse.tar")]
    [TestCase("pax-sparse-0.0.tar")]
    [TestCase("pax-sparse-0.1.tar")]
    [TestCase("pax-sparse-1.0.tar")]
    public void Sparse_files_are_rebuilt_byte_for_byte_as_gnu_tar_extracts_them(string file)
    {
        var path = Path.Combine(TarFolder, file);
        using var archive = File.OpenRead(path);
        using var context = new InspectionContext(new InspectionLimits(), CancellationToken.None);
        var listing = TarArchive.Read(archive, 10, context);
        listing.Corruption.Should().BeNull();
        var member = listing.Files.Should().ContainSingle().Subject;
        member.Name.Should().Be("tool.exe");
        member.Size.Should().Be(3 * 1024 * 1024);
        member.StoredSize.Should().BeLessThan(member.Size);

        using var rebuilt = new MemoryStream();
        using (var content = member.Open(archive))
        {
            content.CopyTo(rebuilt);
        }

        rebuilt.ToArray().Should().Equal(GnuTarExtract(path), "GNU tar's own extraction is the reference");
    }

    [Test]
    public void A_member_running_past_the_end_is_corruption_after_the_members_before_it()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TarFolder, "concatenated.tar"));
        var cut = bytes.AsSpan(0, 10240 + 512 + 50_000).ToArray(); // a.tar (one 10 KiB record) whole, then setup.exe's header and half its data
        using var context = new InspectionContext(new InspectionLimits(), CancellationToken.None);
        var listing = TarArchive.Read(new MemoryStream(cut), 10, context);
        listing.Files.Select(f => f.Name).Should().Equal("見積書.pdf");
        listing.Corruption.Should().Contain("past the end");
    }

    [Test]
    public void Leftover_bytes_in_the_last_record_after_the_end_mark_are_skipped_like_tar_i_does()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TarFolder, "gnu-base256-uid.tar"));
        new Random(1127).NextBytes(bytes.AsSpan(bytes.Length - 1024)); // old tars pad the last record with whatever was in memory
        using var context = new InspectionContext(new InspectionLimits(), CancellationToken.None);
        var listing = TarArchive.Read(new MemoryStream(bytes), 10, context);
        listing.Corruption.Should().BeNull();
        listing.Files.Select(f => f.Name).Should().Equal("setup.exe", "見積書.pdf");
    }

    private static byte[] GnuTarExtract(string archive)
    {
        var start = new ProcessStartInfo("tar", ["-xOf", archive]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
        return output.ToArray();
    }
}
