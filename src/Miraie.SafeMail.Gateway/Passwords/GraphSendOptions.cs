namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>
/// The app registration the gateway sends password mail with through Microsoft Graph: application permission
/// <c>Mail.Send</c> (limit it to the senders' mailboxes with an Exchange application access policy), client secret or
/// certificate. The secret only through the environment.
/// </summary>
public sealed class GraphSendOptions
{
    /// <summary>The tenant (directory) id.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application (client) id.</summary>
    public string? ClientId { get; set; }

    /// <summary>A client secret (environment: <c>SafeMail__PasswordDelivery__Graph__ClientSecret</c>).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A PKCS#12 certificate file instead of a secret (its password: <c>CertificatePassword</c>, environment only).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The certificate's password.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Graph's address. Default https://graph.microsoft.com/v1.0 (national clouds have their own).</summary>
    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The sign-in authority. Default https://login.microsoftonline.com/.</summary>
    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>Save the password mail in the sender's Sent Items. Default true (the sender can see what went out).</summary>
    public bool SaveToSentItems { get; set; } = true;
}
