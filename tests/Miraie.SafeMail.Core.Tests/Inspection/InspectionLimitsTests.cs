using System.IO.Compression;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>Each limit, set low, turns the content unknown with that limit named — both sides of each boundary.</summary>
public class InspectionLimitsTests
{
    private static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                stream.Write(data);
            }
        }

        return output.ToArray();
    }

    private static byte[] Nested(int levels)
    {
        var content = Zip(("innermost.txt", "secret"u8.ToArray()));
        for (var i = 1; i < levels; i++)
        {
            content = Zip(($"level{levels - i}.zip", content));
        }

        return content;
    }

    private static Task<AttachmentNode> Inspect(byte[] content, InspectionLimits limits) =>
        new MessageInspector(limits).InspectFileAsync(new MemoryStream(content), "test.zip");

    private static IEnumerable<UnknownReason> Reasons(AttachmentNode node) => node.SelfAndDescendants.Select(n => n.UnknownReason).OfType<UnknownReason>();

    [Test]
    public async Task Entry_count_at_the_limit_is_inspected_and_one_more_is_unknown()
    {
        var five = Enumerable.Range(1, 5).Select(i => ($"{i}.txt", "x"u8.ToArray())).ToArray();
        var atLimit = await Inspect(Zip(five), new InspectionLimits { MaxEntries = 5 });
        atLimit.Protection.Should().Be(ProtectionStatus.NotProtected);
        atLimit.Children.Should().HaveCount(5);

        var over = await Inspect(Zip(five), new InspectionLimits { MaxEntries = 4 });
        over.Protection.Should().Be(ProtectionStatus.Unknown);
        over.UnknownReason.Should().Be(UnknownReason.LimitEntries);
    }

    [Test]
    public async Task Nesting_at_the_depth_limit_is_expanded_and_one_deeper_is_unknown()
    {
        // Nested(3): test.zip (depth 0) › level1.zip (1) › level2.zip (2) › innermost.txt (3)
        var atLimit = await Inspect(Nested(3), new InspectionLimits { MaxDepth = 3 });
        Reasons(atLimit).Should().BeEmpty();
        atLimit.SelfAndDescendants.Should().Contain(n => n.Name == "innermost.txt" && n.Kind == FileKind.Text);

        var over = await Inspect(Nested(3), new InspectionLimits { MaxDepth = 2 });
        over.Protection.Should().Be(ProtectionStatus.Unknown);
        Reasons(over).Should().Equal(UnknownReason.LimitDepth);
        over.SelfAndDescendants.Single(n => n.UnknownReason == UnknownReason.LimitDepth).Path.Should().Be("test.zip › level1.zip › level2.zip › innermost.txt");
    }

    [Test]
    public async Task Expanded_bytes_over_the_message_budget_are_unknown()
    {
        var text = Enumerable.Repeat((byte)'a', 300_000).ToArray();
        var content = Zip(("a.txt", text), ("b.txt", text));
        var within = await Inspect(content, new InspectionLimits { MaxExpandedBytes = 600_000, MaxExpansionRatio = 100_000 });
        Reasons(within).Should().BeEmpty();

        var over = await Inspect(content, new InspectionLimits { MaxExpandedBytes = 599_999, MaxExpansionRatio = 100_000 });
        Reasons(over).Should().Contain(UnknownReason.LimitSize);
        over.Protection.Should().NotBe(ProtectionStatus.Protected);
    }

    [Test]
    public async Task An_archive_expanding_past_the_ratio_is_a_bomb()
    {
        var zeros = Zip(("zeros.bin", new byte[4_000_000]));
        zeros.Length.Should().BeLessThan(40_000, "4 MB of zeros deflates to a few KB");
        var bomb = await Inspect(zeros, new InspectionLimits { MaxExpansionRatio = 100, RatioFloorBytes = 1024 * 1024 });
        bomb.UnknownReason.Should().Be(UnknownReason.LimitRatio);

        var belowFloor = await Inspect(zeros, new InspectionLimits { MaxExpansionRatio = 100, RatioFloorBytes = 8 * 1024 * 1024 });
        belowFloor.UnknownReason.Should().BeNull("below the floor the ratio is not checked");
    }

    [Test]
    public async Task A_message_that_takes_too_long_is_unknown_not_passed()
    {
        var slow = Zip(Enumerable.Range(0, 200).Select(i => ($"{i}.txt", new byte[50_000])).ToArray());
        var node = await Inspect(slow, new InspectionLimits { Timeout = TimeSpan.FromMilliseconds(1), MaxExpansionRatio = 100_000 });
        node.Protection.Should().Be(ProtectionStatus.Unknown);
        Reasons(node).Should().Contain(UnknownReason.LimitTime);
    }
}
