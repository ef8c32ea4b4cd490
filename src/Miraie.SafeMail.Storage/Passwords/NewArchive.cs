namespace Miraie.SafeMail.Storage.Passwords;

/// <summary>An archive the add-in backend just made.</summary>
public sealed record NewArchive(string Id, string Sender, IReadOnlyList<string> Recipients, string FileName, string Encryption, string Password, string Sha256);
