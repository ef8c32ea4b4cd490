namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>The files an ISO image's directories list, and why the walk stopped early or could not start.</summary>
internal sealed class IsoListing
{
    public List<IsoFile> Files { get; } = [];

    /// <summary>Why the image is corrupt (an extent past its end, a directory loop …), or null.</summary>
    public string? Corruption { get; set; }

    /// <summary>Why the image cannot be read at all (a UDF-only disc), or null.</summary>
    public string? Unsupported { get; set; }
}
