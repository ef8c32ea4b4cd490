using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>The outcome of one report: the incident's number, what containment did, and whether the security office was mailed.</summary>
/// <param name="Outcome"><see cref="IncidentOutcome.Done"/> when recorded.</param>
/// <param name="IncidentId">The incident's number, when recorded.</param>
/// <param name="MessageId">The message the report was about, when SafeMail knows it.</param>
/// <param name="Containment">What each containment step did, in order.</param>
/// <param name="Notified">True when the notice to the security office was queued (false also when none is configured).</param>
public sealed record IncidentReportResult(IncidentOutcome Outcome, long? IncidentId = null, string? MessageId = null,
    IReadOnlyList<ContainmentResult>? Containment = null, bool Notified = false)
{
    /// <summary>True when the report was recorded.</summary>
    public bool Done => Outcome == IncidentOutcome.Done;

    /// <summary>What each step did (empty when the message is not known).</summary>
    public IReadOnlyList<ContainmentResult> Steps => Containment ?? [];

    /// <summary>What to tell the reporter, in both languages.</summary>
    public LocalizedText Text => Done && IncidentId is { } id ? IncidentTexts.Reported(id, Notified) : IncidentTexts.Outcome(Outcome);
}
