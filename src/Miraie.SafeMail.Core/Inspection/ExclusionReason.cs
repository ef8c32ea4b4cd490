namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Why a MIME leaf counts as body, not attachment (PRODUCT.md, "Attachment").</summary>
public enum ExclusionReason
{
    /// <summary>An inline image the HTML body references by <c>cid:</c>.</summary>
    InlineImage,
    /// <summary>The calendar data of a meeting request (text/calendar, or its <c>invite.ics</c> copy).</summary>
    Calendar,
}
