namespace Miraie.SafeMail.Storage.Passwords;

/// <summary>An archive whose password has not been delivered yet (the password decrypted).</summary>
public sealed record StoredArchive(string Id, string Sender, string FileName, string? Sha256, string Password);
