using System.Security.Cryptography.X509Certificates;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// How a <see cref="CapturingSmtpServer"/> behaves. Everything left unset keeps SmtpServer 11.1.0's own default, so
/// that what the tests observe is what a host built on the library gets unless it configures otherwise.
/// </summary>
public sealed class CapturingSmtpServerOptions
{
    /// <summary>Name in the greeting and EHLO reply. Default <c>capture.test</c>.</summary>
    public string ServerName { get; init; } = "capture.test";

    /// <summary>Offer STARTTLS with <see cref="Certificate"/> (a self-signed one is made in-process when null).</summary>
    public bool StartTls { get; init; }

    /// <summary>Speak TLS from the first byte (port 465 style) instead of plain text.</summary>
    public bool ImplicitTls { get; init; }

    /// <summary>The server certificate for TLS; null: a fresh self-signed certificate for <c>localhost</c>/127.0.0.1.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>With <see cref="AuthPassword"/>: offer AUTH PLAIN LOGIN and accept only this user and password.</summary>
    public string? AuthUser { get; init; }

    /// <summary>The password for <see cref="AuthUser"/>.</summary>
    public string? AuthPassword { get; init; }

    /// <summary>Offer AUTH before TLS too. Library default false: AUTH only on a TLS connection.</summary>
    public bool AllowUnsecureAuthentication { get; init; }

    /// <summary>Refuse MAIL FROM (530) until the client has authenticated.</summary>
    public bool AuthenticationRequired { get; init; }

    /// <summary>Largest message in bytes, enforced strictly (552 and the connection closed). Null: no limit (library default).</summary>
    public int? MaxMessageSize { get; init; }

    /// <summary>
    /// Consecutive failed commands before the server ends the session without a word. Scripted RCPT rejections
    /// count as failures. Null: the library default, 5.
    /// </summary>
    public int? MaxRetryCount { get; init; }

    /// <summary>
    /// SmtpServer's per-session time limit. It limits the whole session's lifetime, busy or idle. Null: the library
    /// default, 2 minutes.
    /// </summary>
    public TimeSpan? SessionTimeout { get; init; }

    /// <summary>How long the server waits for each command line. Null: the library default, 5 minutes.</summary>
    public TimeSpan? CommandWaitTimeout { get; init; }
}
