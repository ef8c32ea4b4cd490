namespace Miraie.SafeMail.Storage.Links;

/// <summary>One file of a download link: its name and type as the sender attached it, its decoded size and SHA-256, and (SQLite) its file.</summary>
public sealed record LinkFile(int Ordinal, string Name, string ContentType, long Size, string Sha256, string? Path);
