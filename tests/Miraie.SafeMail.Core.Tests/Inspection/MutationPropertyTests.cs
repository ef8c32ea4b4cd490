using CsCheck;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>
/// Hostile and damaged input is ordinary input: corpus files with bytes flipped, cut short, grown or with a
/// length/offset field overwritten must always come back as a report — never an exception, never a hang.
/// </summary>
public class MutationPropertyTests
{
    private static readonly MessageInspector Inspector = new(new InspectionLimits { Timeout = TimeSpan.FromSeconds(2) });

    private static byte[][] Seeds(string folder, long maxBytes)
    {
        var root = Path.Combine(TestPaths.CorpusOutput, folder);
        Directory.Exists(root).Should().BeTrue("the corpus must exist: run tests/corpus/make-corpus.sh");
        var seeds = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal) && new FileInfo(f).Length is > 0 and var n && n <= maxBytes)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToArray();
        seeds.Should().NotBeEmpty();
        return seeds;
    }

    private static Gen<byte[]> Mutated(byte[][] seeds) =>
        from seed in Gen.Int[0, seeds.Length - 1].Select(i => seeds[i])
        from kind in Gen.Int[0, 4]
        from position in Gen.Double[0, 1]
        from value in Gen.Int
        from count in Gen.Int[1, 16]
        select Mutate(seed, kind, (int)(position * (seed.Length - 1)), value, count);

    internal static byte[] Mutate(byte[] seed, int kind, int at, int value, int count)
    {
        var bytes = (byte[])seed.Clone();
        switch (kind)
        {
            case 0: // flip bits in a few bytes
                for (var i = 0; i < count; i++)
                {
                    bytes[(at + (i * 97)) % bytes.Length] ^= (byte)(1 << ((value + i) & 7));
                }

                return bytes;
            case 1: // cut short
                return bytes[..at];
            case 2: // overwrite a 32-bit field: sizes, offsets and counts in headers
                BitConverter.GetBytes(value).AsSpan(0, Math.Min(4, bytes.Length - at)).CopyTo(bytes.AsSpan(at));
                return bytes;
            case 3: // insert bytes, shifting everything after
                return [.. bytes[..at], .. Enumerable.Repeat((byte)value, count * 13), .. bytes[at..]];
            default: // duplicate a slice
                var slice = bytes.AsSpan(at, Math.Min(count * 64, bytes.Length - at)).ToArray();
                return [.. bytes[..at], .. slice, .. bytes[at..]];
        }
    }

    [Test]
    public async Task Mutated_attachments_always_yield_a_node()
    {
        var seeds = Seeds("files", maxBytes: 256 * 1024);
        await Mutated(seeds).SampleAsync(async bytes =>
        {
            var node = await Inspector.InspectFileAsync(new MemoryStream(bytes), "mutated.bin");
            node.Should().NotBeNull();
            node.Protection.Should().BeDefined();
        }, iter: 400, threads: 1);
    }

    [Test]
    public async Task Mutated_containers_always_yield_a_node()
    {
        // The hand-written readers of issue 12 (tar forms, LZH, CAB, ISO) get iterations of their own.
        var seeds = Seeds(Path.Combine("files", "containers"), maxBytes: 512 * 1024);
        await Mutated(seeds).SampleAsync(async bytes =>
        {
            var node = await Inspector.InspectFileAsync(new MemoryStream(bytes), "mutated.bin");
            node.Protection.Should().BeDefined();
            node.SelfAndDescendants.Where(n => n.Protection == ProtectionStatus.Unknown && n.Children.Count == 0)
                .Should().NotContain(n => n.UnknownReason == null, "every unknown leaf says why");
        }, iter: 400, threads: 1);
    }

    [Test]
    public async Task Mutated_documents_carrying_files_always_yield_a_node()
    {
        // ODF manifests, OLE Packages, PDF attachment trees and Outlook items: the hand-written readers of issue 12.
        var seeds = new[] { "odf", "pdf-attached", "ooxml-embedded", "msg" }
            .SelectMany(folder => Seeds(Path.Combine("files", folder), maxBytes: 256 * 1024))
            .ToArray();
        await Mutated(seeds).SampleAsync(async bytes =>
        {
            var node = await Inspector.InspectFileAsync(new MemoryStream(bytes), "mutated.docx");
            node.Protection.Should().BeDefined();
            node.SelfAndDescendants.Where(n => n.Protection == ProtectionStatus.Unknown && n.Children.Count == 0)
                .Should().NotContain(n => n.UnknownReason == null);
        }, iter: 400, threads: 1);
    }

    [Test]
    public async Task Mutated_messages_always_yield_a_report()
    {
        var seeds = Seeds("messages", maxBytes: 512 * 1024);
        await Mutated(seeds).SampleAsync(async bytes =>
        {
            var report = await Inspector.InspectAsync(bytes);
            report.Should().NotBeNull();
            // Every unknown leaf says why: the operator must be able to tell the sender what to do.
            report.AllNodes.Where(n => n.Protection == ProtectionStatus.Unknown && n.Children.Count == 0)
                .Should().NotContain(n => n.UnknownReason == null);
        }, iter: 300, threads: 1);
    }

    /// <summary>Issue 12's files and messages: S/MIME, OpenPGP, reports, body items inside containers.</summary>
    private static byte[][] SecureMailSeeds(string folder, Func<string, bool> take)
    {
        var root = Path.Combine(TestPaths.CorpusOutput, folder);
        var seeds = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal) && take(Path.GetRelativePath(root, f)))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToArray();
        seeds.Should().NotBeEmpty("run tests/corpus/make-corpus.sh");
        return seeds;
    }

    private static bool IsSecureMailMessage(string name) =>
        name.StartsWith("ext-smime-", StringComparison.Ordinal) || name.StartsWith("ext-pgp", StringComparison.Ordinal)
        || name.StartsWith("ext-dsn-", StringComparison.Ordinal) || name.StartsWith("ext-ndr-", StringComparison.Ordinal)
        || name.StartsWith("ext-mdn-", StringComparison.Ordinal) || name.StartsWith("ext-arf-", StringComparison.Ordinal)
        || name.Contains("inline-image", StringComparison.Ordinal) || name.Contains("delivery-status", StringComparison.Ordinal);

    [Test]
    public async Task Mutated_signed_and_encrypted_files_always_yield_a_node()
    {
        var seeds = SecureMailSeeds("files", f => f.StartsWith("smime", StringComparison.Ordinal) || f.StartsWith("openpgp", StringComparison.Ordinal));
        await Mutated(seeds).SampleAsync(async bytes =>
        {
            var node = await Inspector.InspectFileAsync(new MemoryStream(bytes), "mutated.p7m");
            node.Protection.Should().BeDefined();
            if (node.Protection == ProtectionStatus.Unknown && node.Children.Count == 0)
            {
                node.UnknownReason.Should().NotBeNull();
            }
        }, iter: 400, threads: 1);
    }

    [Test]
    public async Task Mutated_signed_encrypted_and_report_messages_always_yield_a_report()
    {
        var seeds = SecureMailSeeds("messages", IsSecureMailMessage);
        await Mutated(seeds).SampleAsync(async bytes =>
        {
            var report = await Inspector.InspectAsync(bytes);
            report.AllNodes.Where(n => n.Protection == ProtectionStatus.Unknown && n.Children.Count == 0)
                .Should().NotContain(n => n.UnknownReason == null);
        }, iter: 300, threads: 1);
    }

    [Test]
    public void The_hand_written_readers_never_throw_on_mutated_input()
    {
        var seeds = SecureMailSeeds("files", f => f.StartsWith("smime", StringComparison.Ordinal) || f.StartsWith("openpgp", StringComparison.Ordinal));
        Mutated(seeds).Sample(bytes =>
        {
            _ = Core.Inspection.Formats.CmsReader.Read(bytes);
            _ = Core.Inspection.Formats.CmsReader.ContentTypeOf(bytes);
            _ = Core.Inspection.Formats.OpenPgpPackets.Read(new MemoryStream(bytes), CancellationToken.None);
            _ = Core.Inspection.Formats.OpenPgpPackets.StartsLikeOpenPgp(bytes);
            _ = Core.Inspection.Formats.OpenPgpArmor.Decode(bytes);
            _ = HeaderFields.Blocks(bytes);
            _ = HeaderFields.StartsMimeEntity(bytes);
        }, iter: 2000, threads: 1);
    }

    [Test]
    public async Task Random_bytes_are_unknown_never_protected()
    {
        await Gen.Byte.Array[1, 20_000].SampleAsync(async bytes =>
        {
            var node = await Inspector.InspectFileAsync(new MemoryStream(bytes), "random.zip");
            node.Protection.Should().NotBe(ProtectionStatus.Protected, "random bytes are not a password-protected file");
        }, iter: 300, threads: 1);
    }
}
