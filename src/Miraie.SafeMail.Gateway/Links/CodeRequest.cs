namespace Miraie.SafeMail.Gateway.Links;

/// <summary>What became of a recipient's request for a code (the page shows <see cref="Sent"/> and <see cref="NotRecipient"/> alike).</summary>
public enum CodeRequest
{
    /// <summary>A code went to the address.</summary>
    Sent,
    /// <summary>The address is not among the link's recipients: nothing was sent.</summary>
    NotRecipient,
    /// <summary>The hourly limit of codes for that address was reached.</summary>
    TooMany,
}
