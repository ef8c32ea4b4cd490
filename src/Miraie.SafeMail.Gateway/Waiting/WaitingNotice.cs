namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>Which notice about waiting mail to write.</summary>
public enum WaitingNotice
{
    /// <summary>To the sender: the message is held until a time; cancel or send now.</summary>
    Held,
    /// <summary>To an approver: a message waits for their decision.</summary>
    ApprovalRequest,
    /// <summary>To the sender: the approver approved; the message is being sent.</summary>
    Approved,
    /// <summary>To the sender: the approver rejected it, with the reason; it is not sent.</summary>
    Rejected,
    /// <summary>To the sender: no one decided in time; it is not sent.</summary>
    Expired,
    /// <summary>To the sender: the gateway moved the visible To/Cc to Bcc.</summary>
    ConvertedToBcc,
}
