namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>One RCPT TO seen by a <see cref="CapturingSmtpServer"/> and the reply it was given.</summary>
/// <param name="ConnectionNumber">The connection it came on (see <see cref="CapturedMessage.ConnectionNumber"/>).</param>
/// <param name="Address">The recipient address as given.</param>
/// <param name="Reply">The reply as scripted: <c>250 Ok</c> when accepted.</param>
public sealed record RecipientAttempt(int ConnectionNumber, string Address, SmtpReply Reply);
