namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// The download page of action <c>Link</c> (ADR-021): a listener of its own, apart from SMTP, the console and metrics,
/// meant to be published (behind a TLS reverse proxy) to the recipients. Bound from <c>SafeMail:Download</c>; every key
/// is documented in appsettings.sample.json.
/// </summary>
public sealed class DownloadOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Download";

    /// <summary>
    /// Where to listen, <c>http://ADDRESS:PORT</c>, several separated by <c>;</c>. Default <c>http://127.0.0.1:9480</c>
    /// (a reverse proxy on the same machine publishes it with TLS). Empty: no download page on this node.
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:9480";

    /// <summary>Listen on an address beyond loopback (the page is public by design; the setting says the TLS is elsewhere on purpose).</summary>
    public bool AllowRemote { get; set; }

    /// <summary>
    /// The address recipients use, as links in mail show it (<c>https://files.example.co.jp</c>). Default: the first of
    /// <see cref="Urls"/>, which only works on this machine — set it in production.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// The reverse proxies (addresses or networks) in front of the page whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed, nearest hop only: then the audit log names the recipient's address rather than
    /// the proxy's, and cookies are Secure behind TLS. Default none (the headers are ignored).
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>How long a link works (default 7 days, 1 hour – 90 days).</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a one-time code works (default 10 minutes, 1 minute – 1 hour).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tries per code before a new one is needed (default 5, 1–10).</summary>
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>Codes sent per link and address per hour (default 5, 1–20): each is a mail to that address.</summary>
    public int MaxCodesPerHour { get; set; } = 5;

    /// <summary>How long a proven address may download before it must ask for a code again (default 1 hour, 5 minutes – 1 day).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);
}
