using System.ComponentModel.DataAnnotations;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Bounds on the work one message may cost. Exceeding any of them ends that branch of the inspection as
/// <see cref="ProtectionStatus.Unknown"/> with the limit named, never with a crash or a hang.
/// Bound from <c>SafeMail:Policy:Limits</c>.
/// </summary>
public sealed class InspectionLimits
{
    /// <summary>How many archives or attached messages may be nested inside an attachment. Default 5.</summary>
    [Range(1, 32)]
    public int MaxDepth { get; set; } = 5;

    /// <summary>Entries an archive may hold before it is not expanded. Default 1,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 1_000;

    /// <summary>Bytes the whole message may expand to, all archives together. Default 200 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxExpandedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>
    /// How many times larger than itself an archive may expand. Default 100. Checked once an archive has expanded
    /// more than <see cref="RatioFloorBytes"/>, so that small, very compressible files (a page of zeros) are not flagged.
    /// </summary>
    [Range(2, 100_000)]
    public int MaxExpansionRatio { get; set; } = 100;

    /// <summary>Expanded bytes below which the ratio is not checked. Default 1 MiB.</summary>
    [Range(0, long.MaxValue)]
    public long RatioFloorBytes { get; set; } = 1024 * 1024;

    /// <summary>Wall-clock time one message may take to inspect. Default 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
