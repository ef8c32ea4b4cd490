using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// A rule's id in words, for people: lists and details show what the rule is for in the reader's language, not
/// <c>external-unprotected</c>. The policy's own texts win; the shipping rules (and the gateway's fail-closed
/// <c>inspection-failed</c>, which is no policy rule) have built-in ones, so mail held under an older or edited policy
/// still reads well.
/// </summary>
public static class RuleTexts
{
    /// <summary>The verdict the gateway gives when inspection failed, timed out or hit a limit (fail closed).</summary>
    public const string InspectionFailed = "inspection-failed";

    private static readonly Dictionary<string, LocalizedText> BuiltIn = PolicyDefaults.Rules()
        .Where(r => r.DescriptionJa is not null && r.DescriptionEn is not null)
        .ToDictionary(r => r.Name, r => new LocalizedText(r.DescriptionJa!, r.DescriptionEn!), StringComparer.OrdinalIgnoreCase);

    private static readonly LocalizedText Failed = new("検査できなかったメール（制限超過・時間切れ・構造の異常）",
        "Mail that could not be fully inspected (a limit, a timeout or a broken structure)");

    /// <summary>
    /// What <paramref name="rule"/> is for. In order: the policy rule's text in each language (the other language's text
    /// when one is missing), its free <see cref="PolicyRule.Description"/>, the built-in text of a shipping rule, and
    /// last the id itself.
    /// </summary>
    public static LocalizedText Describe(string rule, IEnumerable<PolicyRule> rules)
    {
        var defined = rules.FirstOrDefault(r => string.Equals(r.Name, rule, StringComparison.OrdinalIgnoreCase));
        var ja = Text(defined?.DescriptionJa);
        var en = Text(defined?.DescriptionEn);
        if (ja is not null || en is not null)
        {
            return new LocalizedText(ja ?? en!, en ?? ja!);
        }

        return Text(defined?.Description) is { } free ? new LocalizedText(free, free) : BuiltInText(rule) ?? new LocalizedText(rule, rule);
    }

    /// <summary>The built-in text of a shipping rule or of <see cref="InspectionFailed"/>, or null.</summary>
    public static LocalizedText? BuiltInText(string rule) =>
        string.Equals(rule, InspectionFailed, StringComparison.OrdinalIgnoreCase) ? Failed : BuiltIn.GetValueOrDefault(rule);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
