namespace Miraie.SafeMail.Core.Inspection;

/// <summary>A MIME leaf that is part of the body rather than an attachment, listed so operators can see why.</summary>
/// <param name="Name">The part's file name or Content-ID; null when it has neither (a meeting request's text/calendar part).</param>
/// <param name="ContentType">The declared MIME type.</param>
/// <param name="Why">Which body rule excluded it.</param>
public sealed record ExcludedPart(string? Name, string ContentType, ExclusionReason Why);
