using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>Every generated message goes through inspection and the shipping policy with example.co.jp as the internal domain.</summary>
public class CorpusMessageTests
{
    private static readonly MessageInspector Inspector = new(new InspectionLimits());
    private static readonly PolicyEvaluator Policy = new(PolicyDefaults.Create("example.co.jp"));

    private static IEnumerable<TestCaseData> Messages() => Corpus.Cases("messages");

    [TestCaseSource(nameof(Messages))]
    public async Task Message_gets_the_expected_verdict_and_attachments(string expectationPath)
    {
        var expected = Corpus.Read<ExpectedMessage>(expectationPath);
        await using var stream = File.OpenRead(Corpus.Subject(expectationPath));
        var report = await Inspector.InspectAsync(stream);
        var verdict = Policy.Evaluate(report, new Envelope(expected.Envelope.From, expected.Envelope.To));

        var because = $"{expected.Note} — got {verdict.Rule}: {string.Join(" | ", verdict.Findings.Select(f => f.Line.En))}; "
            + string.Join("; ", report.Attachments.Select(CorpusFileTests.Describe)) + "; problems: " + string.Join(", ", report.Problems.Select(p => p.Code));
        JsonNamingPolicy.KebabCaseLower.ConvertName(verdict.Action.ToString()).Should().Be(expected.Verdict, because);
        if (expected.Rule is not null)
        {
            verdict.Rule.Should().Be(expected.Rule, because);
        }

        report.Attachments.Select(a => a.Name).Should().Equal(expected.Attachments.Select(a => a.Name), because);
        foreach (var (node, entry) in report.Attachments.Zip(expected.Attachments))
        {
            if (entry.Kind is not null)
            {
                FileKindNames.Name(node.Kind).Should().Be(entry.Kind, because);
            }

            if (entry.Protection is not null)
            {
                CorpusFileTests.Name(node.Protection).Should().Be(entry.Protection, because);
            }
        }

        report.Excluded.Select(e => (e.Name, Why: JsonNamingPolicy.KebabCaseLower.ConvertName(e.Why.ToString()), e.Within))
            .Should().BeEquivalentTo(expected.Excluded.Select(e => (e.Name, e.Why, e.Within)), because);

        foreach (var reason in expected.Reasons)
        {
            var code = reason.Why switch
            {
                "not-protected" => "not-encrypted",
                _ => reason.Why,
            };
            verdict.Findings.Should().Contain(f => f.Path == reason.Path && f.Code == code, $"reason {reason.Why} at {reason.Path}; {because}");
        }

        report.Problems.Select(p => p.Code).Should().BeEquivalentTo(expected.Problems, because);
    }
}
