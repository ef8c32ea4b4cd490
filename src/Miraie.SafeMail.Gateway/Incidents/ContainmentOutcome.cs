namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>What one containment step found or did.</summary>
public enum ContainmentOutcome
{
    /// <summary>This report stopped something (a held message cancelled, an approval declined, links revoked).</summary>
    Stopped,
    /// <summary>It had already been stopped before the report (cancelled, rejected, quarantined): nothing left.</summary>
    AlreadyStopped,
    /// <summary>Nothing of it was sent to anyone (held and cancelled, rejected, quarantined).</summary>
    NotSent,
    /// <summary>It had already left, or is leaving, and cannot be taken back: said so, with the recipients it reached.</summary>
    Left,
    /// <summary>The step could not run (the database did not answer): the security office must check by hand.</summary>
    Failed,
}
