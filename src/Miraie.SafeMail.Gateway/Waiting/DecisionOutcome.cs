namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>How a cancel, send-now, approval or rejection ended.</summary>
public enum DecisionOutcome
{
    /// <summary>It was done: this call made the change.</summary>
    Done,
    /// <summary>The message had already left the hold (its time came, or it was sent now or approved): it is being sent or was sent.</summary>
    AlreadySent,
    /// <summary>The message had already been cancelled.</summary>
    AlreadyCancelled,
    /// <summary>The message had already been rejected, or its time to decide ran out.</summary>
    AlreadyDeclined,
    /// <summary>The message is neither held nor awaiting approval (quarantined, rejected …), or is waiting for the other kind of decision.</summary>
    NotWaiting,
    /// <summary>There is no such message (or the id is malformed).</summary>
    NotFound,
    /// <summary>The actor may not do this to this message (not the sender's, not an approver's).</summary>
    NotAllowed,
    /// <summary>A rejection needs a reason.</summary>
    ReasonRequired,
}
