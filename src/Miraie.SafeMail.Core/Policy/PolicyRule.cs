namespace Miraie.SafeMail.Core.Policy;

/// <summary>One ordered rule: when its conditions hold, its action decides the message.</summary>
public sealed class PolicyRule
{
    /// <summary>A short unique name, shown in verdicts and the audit log (<c>external-unprotected</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>What the rule is for, in the admin's words.</summary>
    public string? Description { get; set; }

    /// <summary>What happens when the rule decides.</summary>
    public PolicyAction Action { get; set; }

    /// <summary>When the rule decides.</summary>
    public RuleConditions When { get; set; } = new();
}
