namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>What happened to one message asked to be released; every outcome but <see cref="Released"/> is a refusal, audited.</summary>
public enum ReleaseOutcome
{
    /// <summary>Released: queued for the normal delivery path, once.</summary>
    Released,
    /// <summary>No such message.</summary>
    NotFound,
    /// <summary>Already released (by this or another operator).</summary>
    AlreadyReleased,
    /// <summary>Deleted by an operator or purged by the retention period.</summary>
    Deleted,
    /// <summary>Never quarantined (passed or rejected mail, a notice).</summary>
    NotQuarantined,
    /// <summary>Disguised or executable content: only an admin may release it.</summary>
    AdminRequired,
    /// <summary>Disguised or executable content: the reason is missing.</summary>
    ReasonRequired,
    /// <summary>Released nothing of a selection in which some message needs an admin or a reason: this one was fine, but the whole action was refused.</summary>
    SelectionRefused,
}
