namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>The three ways a delivery attempt ends for a recipient.</summary>
public enum OutcomeKind
{
    /// <summary>Accepted upstream (2xx) or written to the pickup folder.</summary>
    Delivered,
    /// <summary>4xx, a network failure, or anything else worth retrying.</summary>
    Temporary,
    /// <summary>5xx: retrying will not help; the sender gets a delivery status notification.</summary>
    Permanent,
}
