using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>The policy's decision on one message, with every reason found.</summary>
public sealed class Verdict
{
    /// <summary>What happens to the message.</summary>
    public required PolicyAction Action { get; init; }

    /// <summary>The rule that decided.</summary>
    public required string Rule { get; init; }

    /// <summary>Every reason found in the message, decisive ones first.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>Envelope recipients outside the internal domains.</summary>
    public required IReadOnlyList<string> ExternalRecipients { get; init; }

    /// <summary>The confirmation stamp's status as given to the evaluator.</summary>
    public required ConfirmationStatus Confirmation { get; init; }

    /// <summary>The rule that decided, for what its action needs (<see cref="PolicyRule.HoldFor"/>, <see cref="PolicyRule.Approvers"/>); null in verdicts made up by a host.</summary>
    public PolicyRule? DecidingRule { get; init; }

    /// <summary>True when at least one recipient is external.</summary>
    public bool IsExternal => ExternalRecipients.Count > 0;

    /// <summary>The action as people call it: 通過 / 隔離 / 拒否.</summary>
    public LocalizedText ActionName => PolicyTexts.ActionName(Action);
}
