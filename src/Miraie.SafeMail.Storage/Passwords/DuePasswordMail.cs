namespace Miraie.SafeMail.Storage.Passwords;

/// <summary>A password mail waiting to be sent.</summary>
public sealed record DuePasswordMail(string ArchiveId, string MessageId, string Recipient, int Attempts, DateTimeOffset CreatedAt);
