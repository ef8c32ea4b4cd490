namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Why a node's protection is <see cref="ProtectionStatus.Unknown"/>.</summary>
public enum UnknownReason
{
    /// <summary>The bytes match no format we know.</summary>
    Unrecognised,
    /// <summary>A known format whose structure is broken or truncated.</summary>
    Corrupt,
    /// <summary>A known format we cannot read (an unsupported compression method, a non-standard PDF security handler).</summary>
    Unsupported,
    /// <summary>Archives or messages nested deeper than the limit.</summary>
    LimitDepth,
    /// <summary>An archive with more entries than the limit.</summary>
    LimitEntries,
    /// <summary>More bytes would be expanded than the limit allows.</summary>
    LimitSize,
    /// <summary>An archive expands more than the allowed ratio (a compression bomb).</summary>
    LimitRatio,
    /// <summary>The message took longer to inspect than the limit.</summary>
    LimitTime,
}
