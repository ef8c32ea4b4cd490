namespace Miraie.SafeMail.Web;

/// <summary>The web console's own settings (<c>SafeMail:Console</c>).</summary>
public sealed class ConsoleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Console";

    /// <summary>Where the console listens. Loopback unless configured otherwise (PRODUCT.md). Default http://127.0.0.1:5080.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Run the gateway (SMTP listener, delivery) in the same process. Default true: one command runs the product.</summary>
    public bool RunGateway { get; set; } = true;

    /// <summary>
    /// Send the session cookie only over HTTPS, and answer only HTTPS requests (a plain HTTP request gets a page saying what to
    /// set). Default false for the loopback default; set true behind TLS.
    /// </summary>
    public bool SecureCookie { get; set; }

    /// <summary>
    /// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the console believes: addresses
    /// (<c>127.0.0.1</c>) or networks (<c>10.1.2.0/24</c>). Only the nearest hop is read. From any other address the headers
    /// are ignored. Default none: no forwarded header is believed.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>How long a session lasts without activity. Default 08:00:00.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The time zone every time is shown in — pages, CSV export, the <c>safemail</c> command, notices — with the zone named
    /// (<c>2026/11/27 14:05 JST</c>), and the zone whose days the date filters and the dashboard count. An IANA name.
    /// Default Asia/Tokyo, whatever the server's clock is set to (typically UTC).
    /// </summary>
    public string TimeZone { get; set; } = Gateway.DisplayTime.DefaultZoneId;

    /// <summary>
    /// Microsoft Entra ID sign-in (OpenID Connect) beside local accounts. Default none: local accounts only.
    /// </summary>
    public Accounts.EntraSignInOptions? EntraId { get; set; }
}
