using MimeKit;

namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>What a password mail says: the original message and the archive.</summary>
/// <param name="From">The original message's From (the sender).</param>
/// <param name="Sender">How the sender is named in the text (display name, or address).</param>
/// <param name="Subject">The original subject.</param>
/// <param name="MessageId">The original Message-ID, to thread the password mail under it.</param>
/// <param name="SentAt">When the original reached the gateway.</param>
/// <param name="FileName">The archive's file name.</param>
/// <param name="Password">The password.</param>
public sealed record PasswordMailFacts(MailboxAddress From, string Sender, string? Subject, string? MessageId, DateTimeOffset SentAt, string FileName, string Password);
