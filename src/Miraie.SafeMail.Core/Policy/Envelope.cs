namespace Miraie.SafeMail.Core.Policy;

/// <summary>The SMTP envelope: who the message is from and to, which may differ from its headers (BCC is only here).</summary>
/// <param name="Sender">MAIL FROM; empty for the null sender of bounces.</param>
/// <param name="Recipients">RCPT TO, in order.</param>
public sealed record Envelope(string Sender, IReadOnlyList<string> Recipients);
