namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>How an endpoint speaks TLS.</summary>
public enum SmtpEndpointMode
{
    /// <summary>Clear text at first; STARTTLS is offered when a certificate is configured.</summary>
    Plain,
    /// <summary>TLS from the first byte (port 465).</summary>
    ImplicitTls,
}
