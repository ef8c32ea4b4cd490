using System.Text.Json;
using System.Text.Json.Serialization;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>
/// The generated corpus (tests/corpus/make-corpus.sh): real files made by 7z, zip, qpdf, msoffcrypto-tool, the tnef
/// writer and Outlook-like MIME, each beside a hand-written <c>.expected.json</c>. A missing corpus fails loudly.
/// </summary>
internal static class Corpus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static IEnumerable<TestCaseData> Cases(string folder)
    {
        var root = Path.Combine(TestPaths.CorpusOutput, folder);
        var expectations = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.expected.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
        if (expectations.Count == 0)
        {
            yield return new TestCaseData(Path.Combine(root, "(missing).expected.json")).SetName($"{folder}: corpus missing — run tests/corpus/make-corpus.sh");
            yield break;
        }

        foreach (var expectation in expectations)
        {
            yield return new TestCaseData(expectation).SetName($"{folder}/{Path.GetRelativePath(root, expectation)[..^".expected.json".Length]}");
        }
    }

    public static T Read<T>(string expectationPath)
    {
        File.Exists(expectationPath).Should().BeTrue($"the corpus must exist: run tests/corpus/make-corpus.sh ({expectationPath})");
        return JsonSerializer.Deserialize<T>(File.ReadAllText(expectationPath), Json)!;
    }

    public static string Subject(string expectationPath) => expectationPath[..^".expected.json".Length];
}

internal sealed class ExpectedFile
{
    public string Kind { get; set; } = "";
    public string Protection { get; set; } = "";
    public bool Disguised { get; set; }
    public string? UnknownReason { get; set; }
    public List<string> AlsoAcceptable { get; set; } = [];
    public List<ExpectedEntry>? Entries { get; set; }
    public string? Note { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

internal sealed class ExpectedEntry
{
    public string Name { get; set; } = "";
    public string? Protection { get; set; }
    public string? Kind { get; set; }
    public bool? Disguised { get; set; }
}

internal sealed class ExpectedMessage
{
    public ExpectedEnvelope Envelope { get; set; } = new();
    public string Verdict { get; set; } = "";
    public string? Rule { get; set; }
    public List<ExpectedEntry> Attachments { get; set; } = [];
    public List<ExpectedExcluded> Excluded { get; set; } = [];
    public List<ExpectedReason> Reasons { get; set; } = [];
    public List<string> Problems { get; set; } = [];
    public string? Note { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

internal sealed class ExpectedEnvelope
{
    public string From { get; set; } = "";
    public List<string> To { get; set; } = [];
}

internal sealed class ExpectedReason
{
    public string Path { get; set; } = "";
    public string Why { get; set; } = "";
}

internal sealed class ExpectedExcluded
{
    public string? Name { get; set; }
    public string Why { get; set; } = "";
    public string? Within { get; set; }
}
