namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>One listening endpoint.</summary>
public sealed class SmtpEndpointOptions
{
    /// <summary>Address to bind: <c>127.0.0.1</c> (default), <c>0.0.0.0</c>, <c>::</c>.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests). Default 2525.</summary>
    public int Port { get; set; } = 2525;

    /// <summary>Plain (STARTTLS offered when a certificate is set), or ImplicitTls (port 465 style).</summary>
    public SmtpEndpointMode Mode { get; set; } = SmtpEndpointMode.Plain;

    /// <summary>Require SMTP AUTH on this endpoint (submission, port 587). Default false.</summary>
    public bool RequireAuthentication { get; set; }
}
