using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>Every generated file is inspected as a top-level attachment and compared with its hand-written expectation.</summary>
public class CorpusFileTests
{
    private static readonly MessageInspector Inspector = new(new InspectionLimits());

    private static IEnumerable<TestCaseData> Files() => Corpus.Cases("files");

    [TestCaseSource(nameof(Files))]
    public async Task File_is_classified_as_expected(string expectationPath)
    {
        var expected = Corpus.Read<ExpectedFile>(expectationPath);
        var path = Corpus.Subject(expectationPath);
        await using var stream = File.OpenRead(path);
        var node = await Inspector.InspectFileAsync(stream, Path.GetFileName(path));

        var because = $"{expected.Note} — got {Describe(node)}";
        FileKindNames.Name(node.Kind).Should().Be(expected.Kind, because);
        Name(node.Protection).Should().Be(expected.Protection, because);
        (node.Disguise != Disguises.None || node.SelfAndDescendants.Any(n => n.Disguise != Disguises.None)).Should().Be(expected.Disguised, because);
        if (expected.UnknownReason is not null)
        {
            var reasons = node.SelfAndDescendants.Select(n => n.UnknownReason).OfType<UnknownReason>().Select(Name).ToList();
            reasons.Should().IntersectWith([expected.UnknownReason, .. expected.AlsoAcceptable], because);
        }

        foreach (var entry in expected.Entries ?? [])
        {
            var match = node.Children.SingleOrDefault(c => c.Name == entry.Name);
            match.Should().NotBeNull($"entry '{entry.Name}' should be listed; children: {string.Join(", ", node.Children.Select(c => c.Name))}");
            if (entry.Protection is not null)
            {
                Name(match!.Protection).Should().Be(entry.Protection, $"entry {entry.Name}");
            }

            if (entry.Kind is not null)
            {
                FileKindNames.Name(match!.Kind).Should().Be(entry.Kind, $"entry {entry.Name}");
            }

            if (entry.Disguised is { } disguised)
            {
                (match!.Disguise != Disguises.None).Should().Be(disguised, $"entry {entry.Name}");
            }
        }
    }

    internal static string Name(ProtectionStatus status) => status switch
    {
        ProtectionStatus.Protected => "protected",
        ProtectionStatus.NotProtected => "not-protected",
        _ => "unknown",
    };

    internal static string Name(UnknownReason reason) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(reason.ToString());

    internal static string Describe(AttachmentNode node) =>
        $"{node.Name}: {FileKindNames.Name(node.Kind)}/{Name(node.Protection)}/{node.UnknownReason}/{node.Disguise} ({node.Detail.En})"
        + (node.Children.Count == 0 ? "" : " [" + string.Join("; ", node.Children.Select(Describe)) + "]");
}
