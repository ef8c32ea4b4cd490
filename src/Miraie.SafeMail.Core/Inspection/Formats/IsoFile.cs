namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>A file in an ISO 9660 image: its path, where its single extent lies, or why it cannot be read.</summary>
internal sealed record IsoFile(string Name, long Offset, long Size, string? Unsupported = null);
