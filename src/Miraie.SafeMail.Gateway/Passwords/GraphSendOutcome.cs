namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>Sent, try again later, or give up.</summary>
public enum GraphSendOutcome
{
    /// <summary>Accepted.</summary>
    Sent,
    /// <summary>Throttled, server error or network trouble: try again later.</summary>
    Temporary,
    /// <summary>Refused for good (no mailbox, no permission, bad request).</summary>
    Permanent,
}
