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

    /// <summary>
    /// Simultaneous SMTP sessions, all endpoints together. A client over the limit gets <c>421 4.7.0</c> and is
    /// disconnected. Default 200.
    /// </summary>
    public int MaxConnections { get; set; } = 200;

    /// <summary>
    /// Simultaneous sessions from one client address (IPv6: one /64), so that one host cannot take every slot (Postfix's
    /// <c>smtpd_client_connection_count_limit</c>). Trusted networks count too. Default 50.
    /// </summary>
    public int MaxConnectionsPerClient { get; set; } = 50;

    /// <summary>
    /// Of <see cref="MaxConnections"/>, the slots only clients from <see cref="TrustedNetworks"/> may take: the internal
    /// mail servers still get in while strangers fill the rest. Default 20.
    /// </summary>
    public int ReservedTrustedConnections { get; set; } = 20;

    /// <summary>Networks whose clients may relay without authenticating (CIDR). Default: loopback only.</summary>
    public List<string> TrustedNetworks { get; set; } = ["127.0.0.0/8", "::1/128"];

    /// <summary>Path of a PKCS#12 (.pfx) certificate for STARTTLS and implicit TLS. No certificate: no TLS, no AUTH.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/> (set it through the environment, not this file).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>How long a client may stay silent (between commands, or mid-upload) before the session is closed. Default 5 minutes.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a new client has, from connecting (TLS handshake included), to send its first command. Real MTAs send
    /// EHLO at once; a client that connects and stays silent only holds a slot. Default 30 seconds.
    /// </summary>
    public TimeSpan FirstCommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <see cref="SessionTimeout"/> while the gateway is busy: from the moment only the reserved trusted slots are free,
    /// a silent client is closed after this, as Postfix's stress-dependent <c>smtpd_timeout</c> does. Default 10 seconds.
    /// </summary>
    public TimeSpan BusySessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a whole session may last, busy or not (long uploads on slow links, reused connections). Default 30 minutes.</summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromMinutes(30);
}
