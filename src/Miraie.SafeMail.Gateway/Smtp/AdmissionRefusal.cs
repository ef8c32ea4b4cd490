namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>Why a connection got <c>421 4.7.0</c> instead of a session.</summary>
internal enum AdmissionRefusal
{
    /// <summary><see cref="SmtpListenerOptions.MaxConnectionsPerClient"/> sessions from this client are open.</summary>
    TooManyFromClient,

    /// <summary>Every slot this client may take (all, or all but the trusted reserve) is in use.</summary>
    Busy,
}
