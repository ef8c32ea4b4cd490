namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// The observability listener: <c>/metrics</c> (Prometheus), <c>/health/live</c> and <c>/health/ready</c>, on an HTTP
/// listener of its own, apart from SMTP and from the console. Bound from <c>SafeMail:Observability</c>; every key is
/// documented in appsettings.sample.json (ADR-015).
/// </summary>
public sealed class ObservabilityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Observability";

    /// <summary>
    /// Where to listen, <c>http://ADDRESS:PORT</c>, several separated by <c>;</c>; an IP address or <c>localhost</c>.
    /// Default <c>http://127.0.0.1:9465</c>. Empty: no listener at all. The gateway and the console on one machine need
    /// different ports (docs/deploy/safemail-web.service sets 9466 for the console).
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:9465";

    /// <summary>
    /// Allow an address that is not loopback (such as <c>0.0.0.0</c> or the machine's own address). Default false: the
    /// endpoints answer without sign-in, so reaching them from the network must be a decision (firewall it to Prometheus).
    /// </summary>
    public bool AllowRemote { get; set; }
}
