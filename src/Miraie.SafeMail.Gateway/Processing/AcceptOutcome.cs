namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>What the gateway did with a received message, and so what the client is told.</summary>
public enum AcceptOutcome
{
    /// <summary>Durably stored and queued for delivery: 250.</summary>
    Queued,
    /// <summary>Durably stored in the quarantine: 250 (the client's job is done; an operator decides).</summary>
    Quarantined,
    /// <summary>Durably stored and held for its sender to cancel (送信保留): 250.</summary>
    Held,
    /// <summary>Durably stored to wait for an approver (上長承認): 250.</summary>
    AwaitingApproval,
    /// <summary>Refused by a reject rule: 554 with the reason.</summary>
    Rejected,
    /// <summary>Could not be stored: 451, the client keeps it and retries.</summary>
    TemporaryFailure,
}
