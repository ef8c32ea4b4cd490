using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>A message as the SMTP session received it.</summary>
/// <param name="Bytes">The DATA, dot-unstuffed and with bare CR/LF made CRLF (<see cref="Smtp.DataCapture"/>); in memory or
/// spilled to a file. Owned by the session: valid only until the reply is sent.</param>
/// <param name="EnvelopeFrom">MAIL FROM; empty for the null sender.</param>
/// <param name="Recipients">RCPT TO, in order.</param>
/// <param name="ClientAddress">The client's IP address.</param>
/// <param name="ClientHelo">The HELO/EHLO name.</param>
/// <param name="AuthUser">The SMTP AUTH user, if any.</param>
/// <param name="Secure">True when the session used TLS.</param>
public sealed record ReceivedMessage(MessageContent Bytes, string EnvelopeFrom, IReadOnlyList<string> Recipients, string? ClientAddress,
    string? ClientHelo, string? AuthUser, bool Secure);
