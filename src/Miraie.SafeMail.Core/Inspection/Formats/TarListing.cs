namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// What a walk through a tar archive found: the members a tool would extract as files, in order, and — when the
/// walk stopped early — why. The members found before the damage are still inspected, so an executable in a tar
/// whose tail is broken is reported, while the archive itself stays unknown.
/// </summary>
internal sealed class TarListing
{
    public List<TarMember> Files { get; } = [];

    /// <summary>Why the archive is corrupt (a bad header, a member running past the end), or null.</summary>
    public string? Corruption { get; set; }
}
