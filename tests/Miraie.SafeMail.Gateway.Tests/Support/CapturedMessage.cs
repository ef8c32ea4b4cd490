using System.Text;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// One SMTP transaction that reached the end of DATA on a <see cref="CapturingSmtpServer"/>, accepted or not.
/// </summary>
/// <param name="ConnectionNumber">1 for the server's first connection, 2 for the second… (counted across restarts).</param>
/// <param name="TransactionNumber">1 for the first transaction on that connection, 2 for the second…</param>
/// <param name="From">The envelope sender (MAIL FROM); empty for the null sender <c>&lt;&gt;</c>.</param>
/// <param name="Recipients">The RCPT TO addresses the server accepted, in order.</param>
/// <param name="Parameters">MAIL FROM parameters (SIZE, BODY, SMTPUTF8…), keys as sent.</param>
/// <param name="Data">
/// The message exactly as the client sent it after dot-unstuffing: every byte between the 354 reply and the
/// terminating <c>.&lt;CRLF&gt;</c>, including the CRLF that ends the last line. (SmtpServer hands its message
/// store the content without that last CRLF; this server puts it back.)
/// </param>
/// <param name="IsSecure">True when the transaction ran over TLS (STARTTLS or implicit).</param>
/// <param name="AuthenticatedUser">The user name given to a successful AUTH, or null.</param>
/// <param name="Reply">What the server answered at the end of DATA.</param>
public sealed record CapturedMessage(
    int ConnectionNumber,
    int TransactionNumber,
    string From,
    IReadOnlyList<string> Recipients,
    IReadOnlyDictionary<string, string> Parameters,
    ReadOnlyMemory<byte> Data,
    bool IsSecure,
    string? AuthenticatedUser,
    SmtpReply Reply)
{
    /// <summary>True when the end-of-DATA reply was 2xx: the client was told the message is delivered.</summary>
    public bool Accepted => Reply.Code is >= 200 and < 300;

    /// <summary><see cref="Data"/> decoded as UTF-8, for assertions on text.</summary>
    public string Text => Encoding.UTF8.GetString(Data.Span);
}
