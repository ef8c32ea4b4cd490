namespace Miraie.SafeMail.Core.Policy;

/// <summary>One ordered rule: when its conditions hold, its action decides the message.</summary>
public sealed class PolicyRule
{
    /// <summary>A short unique name, shown in verdicts and the audit log (<c>external-unprotected</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// What the rule is for, in the admin's words, in any language: shown when the rule has no text in the reader's
    /// language (<see cref="DescriptionJa"/>, <see cref="DescriptionEn"/>).
    /// </summary>
    public string? Description { get; set; }

    /// <summary>What the rule is for, in Japanese: what the console and the command line show Japanese readers instead of the id.</summary>
    public string? DescriptionJa { get; set; }

    /// <summary>What the rule is for, in English: what English readers see instead of the id.</summary>
    public string? DescriptionEn { get; set; }

    /// <summary>What happens when the rule decides.</summary>
    public PolicyAction Action { get; set; }

    /// <summary>When the rule decides.</summary>
    public RuleConditions When { get; set; } = new();
}
