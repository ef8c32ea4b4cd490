namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// One file as it was written into a password-protected ZIP, so that callers can tell the user the names the
/// recipient will see (cleaned and de-duplicated) and audit what was stored or compressed.
/// </summary>
/// <param name="Name">Entry name inside the ZIP, after cleaning and de-duplication.</param>
/// <param name="SourceName">The name the file was given as input, before cleaning.</param>
/// <param name="Size">Uncompressed size in bytes.</param>
/// <param name="Stored">
/// True when the bytes were stored without compression, because they were already compressed or looked random.
/// </param>
public sealed record ProtectedZipEntry(string Name, string SourceName, long Size, bool Stored);
