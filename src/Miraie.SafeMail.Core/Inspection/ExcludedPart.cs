using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>A MIME leaf that is part of the body rather than an attachment, listed so operators can see why.</summary>
/// <param name="Name">The part's file name or Content-ID; null when it has neither (a meeting request's text/calendar part, a delivery status).</param>
/// <param name="ContentType">The declared MIME type.</param>
/// <param name="Why">Which body rule excluded it.</param>
public sealed record ExcludedPart(string? Name, string ContentType, ExclusionReason Why)
{
    /// <summary>
    /// Where the part sits when it belongs to the body of something attached (a winmail.dat, an attached message): that
    /// attachment's path, segments joined by <see cref="AttachmentNode.PathSeparator"/>; null for the message's own body.
    /// </summary>
    public string? Within { get; init; }

    /// <summary>What the part is, for people, in both languages.</summary>
    public LocalizedText Detail { get; init; } = InspectionTexts.Excluded(Why);
}
