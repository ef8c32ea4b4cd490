using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// The attachment policy: which domains are internal, which kinds may leave unprotected, the inspection limits and
/// the ordered rules. Bound from <c>SafeMail:Policy</c>; see appsettings.sample.json for every key.
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Policy";

    /// <summary>
    /// Internal domains. <c>example.co.jp</c> matches that domain exactly; <c>*.example.co.jp</c> matches its subdomains
    /// (list both for both). Japanese (IDN) domains may be written in Unicode or punycode.
    /// </summary>
    public List<string> InternalDomains { get; set; } = [];

    /// <summary>Kinds that may go to external recipients unprotected (default none). <c>unknown</c> is never allowed.</summary>
    public List<string> AllowedUnprotectedKinds { get; set; } = [];

    /// <summary>
    /// Recipient domains whose archives the gateway makes with ZipCrypto instead of AES-256 (action <c>Encrypt</c>), for
    /// recipients who can open only what Windows Explorer opens. Written like <see cref="InternalDomains"/>; a message to
    /// several domains is made with ZipCrypto when any of them is listed (one archive per message).
    /// </summary>
    public List<string> ZipCryptoDomains { get; set; } = [];

    /// <summary>How each recipient domain receives files (zip / link / plain / block), for rules with action <c>ByDomain</c> and the add-in.</summary>
    public FileDeliveryOptions FileDelivery { get; set; } = new();

    /// <summary>Limits on the work one message may cost.</summary>
    public InspectionLimits Limits { get; set; } = new();

    /// <summary>Rules in order; the first whose conditions hold decides. The last must have no conditions.</summary>
    public List<PolicyRule> Rules { get; set; } = [];
}
