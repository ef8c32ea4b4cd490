using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>The outcome of one decision on one message, with what to tell the person who asked.</summary>
public sealed record DecisionResult(string Id, DecisionOutcome Outcome)
{
    /// <summary>True when this call made the change.</summary>
    public bool Done => Outcome == DecisionOutcome.Done;

    /// <summary>What happened, in Japanese and English, for the pane, the console and the command line.</summary>
    public LocalizedText Text(string action) => DecisionTexts.Outcome(action, Outcome);
}
