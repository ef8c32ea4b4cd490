namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>The files found in an LZH archive, in order, and why the walk stopped early, if it did.</summary>
internal sealed class LzhListing
{
    public List<LzhEntry> Files { get; } = [];

    /// <summary>Why the archive is corrupt (a bad header checksum, a file running past the end), or null.</summary>
    public string? Corruption { get; set; }
}
