namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// The SMTP side of the gateway: endpoints, limits and who may relay. Bound from <c>SafeMail:Smtp</c>.
/// </summary>
public sealed class SmtpListenerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Smtp";

    /// <summary>Where to listen. Default: one plain endpoint on 127.0.0.1:2525.</summary>
    public List<SmtpEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>Largest message accepted (advertised with SIZE). Default 26,214,400 bytes (25 MiB).</summary>
    public int MaxMessageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// A message being received is held in memory up to this size, then written to <c>spool/incoming/</c> as it arrives
    /// and inspected from there, so memory is bounded by <see cref="MaxConnections"/> × this, not by message sizes.
    /// 0: always to disk. Default 262,144 bytes (256 KiB).
    /// </summary>
    public int SpillThresholdBytes { get; set; } = 256 * 1024;

    /// <summary>Recipients per message. Default 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Simultaneous SMTP sessions, all endpoints together. Default 200.</summary>
    public int MaxConnections { get; set; } = 200;

    /// <summary>Networks whose clients may relay without authenticating (CIDR). Default: loopback only.</summary>
    public List<string> TrustedNetworks { get; set; } = ["127.0.0.0/8", "::1/128"];

    /// <summary>Path of a PKCS#12 (.pfx) certificate for STARTTLS and implicit TLS. No certificate: no TLS, no AUTH.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/> (set it through the environment, not this file).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>How long a client may stay silent (between commands, or mid-upload) before the session is closed. Default 5 minutes.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a whole session may last, busy or not (long uploads on slow links, reused connections). Default 30 minutes.</summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromMinutes(30);
}
