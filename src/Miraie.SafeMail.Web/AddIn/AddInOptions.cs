namespace Miraie.SafeMail.Web.AddIn;

/// <summary>The Outlook add-in's backend settings (<c>SafeMail:AddIn</c>).</summary>
public sealed class AddInOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:AddIn";

    /// <summary>
    /// The HTTPS address Outlook loads the add-in from (the manifest's one base URL), e.g. https://safemail.example.co.jp.
    /// Default: none — the address of each request, fine behind a proxy that keeps the Host header.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>When the send handler asks: <c>external</c> (external recipients or any attachment; default), <c>always</c>, <c>never</c>.</summary>
    public string Confirm { get; set; } = "external";

    /// <summary>When Outlook cannot reach this server: <c>block</c> (default) or <c>use-cached</c> (decide from the last policy seen).</summary>
    public string Offline { get; set; } = "block";

    /// <summary>Recipient domains whose users open ZIPs with Windows Explorer: archives for them use ZipCrypto, not AES-256. Default none.</summary>
    public List<string> ZipCryptoDomains { get; set; } = [];

    /// <summary>
    /// Development mode: the add-in API takes the sender from the <c>X-SafeMail-Dev-User</c> header instead of an Entra ID
    /// token, and only from loopback clients. Logged as a warning at start and marked on every API response. Default false.
    /// </summary>
    public bool DevelopmentMode { get; set; }

    /// <summary>
    /// Microsoft Entra ID sign-in for the add-in API (production). Default none: without it and without development mode
    /// the API signs nothing. Development mode and Entra ID together are refused at start.
    /// </summary>
    public EntraIdOptions? EntraId { get; set; }

    /// <summary>Origins of Outlook on the web and new Outlook that may call the API (CORS), besides <see cref="PublicUrl"/>.</summary>
    public List<string> AllowedOrigins { get; set; } =
        ["https://outlook.office.com", "https://outlook.office365.com", "https://outlook.live.com", "https://outlook.cloud.microsoft"];
}
