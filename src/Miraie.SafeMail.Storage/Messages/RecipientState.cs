namespace Miraie.SafeMail.Storage.Messages;

/// <summary>Delivery state of one recipient.</summary>
public static class RecipientState
{
    /// <summary>Not delivered yet.</summary>
    public const string Pending = "pending";
    /// <summary>Accepted upstream.</summary>
    public const string Delivered = "delivered";
    /// <summary>Refused for good, or given up on.</summary>
    public const string Failed = "failed";
}
