namespace Miraie.SafeMail.Core.Policy;

/// <summary>One ordered rule: when its conditions hold, its action decides the message.</summary>
public sealed class PolicyRule
{
    /// <summary>The approver entry that means the sender's manager in Microsoft Entra ID.</summary>
    public const string Manager = "manager";

    /// <summary>How long an approver has when the rule does not say (<see cref="DecideWithin"/>): 3 days, so a Friday evening mail survives a weekend.</summary>
    public static readonly TimeSpan DefaultDecideWithin = TimeSpan.FromDays(3);

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

    /// <summary>For <see cref="PolicyAction.Hold"/>: how long the message waits for its sender to cancel it (<c>"00:05:00"</c>).</summary>
    public TimeSpan? HoldFor { get; set; }

    /// <summary>
    /// For <see cref="PolicyAction.Approve"/>: who may approve — <c>manager</c> (the sender's manager in Microsoft Entra ID)
    /// and/or addresses. When none of them can be found, the message waits for an admin; it never passes.
    /// </summary>
    public List<string> Approvers { get; set; } = [];

    /// <summary>For <see cref="PolicyAction.Approve"/>: a message not decided within this time is rejected, never sent (default 3 days).</summary>
    public TimeSpan? DecideWithin { get; set; }

    /// <summary>When the rule decides.</summary>
    public RuleConditions When { get; set; } = new();
}
