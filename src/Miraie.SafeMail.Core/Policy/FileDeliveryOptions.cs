namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// How each recipient domain receives files (<c>SafeMail:Policy:FileDelivery</c>): a mode per domain, in order (the first
/// entry whose domain matches decides; <c>*.example.com</c> for subdomains, as elsewhere in the policy), and a default for
/// the rest. Rules with action <see cref="PolicyAction.ByDomain"/> follow it at the gateway; the add-in pane follows it too.
/// </summary>
public sealed class FileDeliveryOptions
{
    /// <summary>The mode of domains not listed (default <see cref="FileDeliveryMode.Zip"/>, the seed's password ZIP).</summary>
    public FileDeliveryMode Default { get; set; } = FileDeliveryMode.Zip;

    /// <summary>Domains with a mode of their own.</summary>
    public List<DomainFileDelivery> Domains { get; set; } = [];
}
