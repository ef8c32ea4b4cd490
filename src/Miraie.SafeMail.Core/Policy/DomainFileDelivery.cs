namespace Miraie.SafeMail.Core.Policy;

/// <summary>One domain's way of receiving files: <c>{ "Domain": "customer.example.com", "Mode": "Link" }</c>.</summary>
public sealed class DomainFileDelivery
{
    /// <summary>The domain (<c>*.example.com</c> for its subdomains).</summary>
    public string Domain { get; set; } = "";

    /// <summary>How it receives files.</summary>
    public FileDeliveryMode Mode { get; set; }
}
