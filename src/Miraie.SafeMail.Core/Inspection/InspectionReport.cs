namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Everything the inspector found in one message: the attachment tree, the parts counted as body, and problems.</summary>
public sealed record InspectionReport
{
    /// <summary>What the sender attached, in MIME order, each with what it holds.</summary>
    public required IReadOnlyList<AttachmentNode> Attachments { get; init; }

    /// <summary>Leaves that belong to the body (inline images referenced from the HTML, calendar data).</summary>
    public required IReadOnlyList<ExcludedPart> Excluded { get; init; }

    /// <summary>Message-level problems; each counts as unknown content for the policy.</summary>
    public required IReadOnlyList<InspectionProblem> Problems { get; init; }

    /// <summary>The message's size in bytes as received.</summary>
    public required long MessageSize { get; init; }

    /// <summary>The decoded Subject header.</summary>
    public string? Subject { get; init; }

    /// <summary>The Message-ID header, without angle brackets.</summary>
    public string? MessageId { get; init; }

    /// <summary>Addresses in From (used as the envelope sender when none is given).</summary>
    public IReadOnlyList<string> HeaderFrom { get; init; } = [];

    /// <summary>
    /// The display name of the first From mailbox, decoded (RFC 2047), as the sender's mail program wrote it; empty when
    /// it has none. Mail-supplied text: show it as text only, never as markup.
    /// </summary>
    public string? HeaderFromName { get; init; }

    /// <summary>Addresses in To, Cc and Bcc (used as the envelope recipients when none are given).</summary>
    public IReadOnlyList<string> HeaderRecipients { get; init; } = [];

    /// <summary>Addresses in To and Cc: those every recipient sees (BCC漏れ).</summary>
    public IReadOnlyList<string> VisibleRecipients { get; init; } = [];

    /// <summary>The raw value of the add-in's confirmation stamp header, when present.</summary>
    public string? ConfirmationStamp { get; init; }

    /// <summary>The ids of the add-in archives the message says it carries (<see cref="MessageInspector.ArchiveIdHeader"/>).</summary>
    public IReadOnlyList<string> ArchiveIds { get; init; } = [];

    /// <summary>How long inspection took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Every node of every attachment, depth first.</summary>
    public IEnumerable<AttachmentNode> AllNodes => Attachments.SelectMany(a => a.SelfAndDescendants);
}
