namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>The upstream MTA the gateway relays to (Exchange Online connector, Postfix …).</summary>
public sealed class SmarthostOptions
{
    /// <summary>Host name or address.</summary>
    public string? Host { get; set; }

    /// <summary>Port. Default 25.</summary>
    public int Port { get; set; } = 25;

    /// <summary>Required: STARTTLS or fail. Opportunistic: STARTTLS when offered. None: never. ImplicitTls: port 465. Default Required.</summary>
    public SmarthostTls Tls { get; set; } = SmarthostTls.Required;

    /// <summary>User name for SMTP AUTH; none: no authentication.</summary>
    public string? User { get; set; }

    /// <summary>Password for SMTP AUTH (set it through the environment, not this file).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// SHA-256 fingerprint (hex) of the smarthost's certificate, for an internal relay with a self-signed certificate:
    /// that certificate is then trusted even though no CA vouches for it. Default none: normal CA validation.
    /// </summary>
    public string? PinnedCertificateSha256 { get; set; }
}
