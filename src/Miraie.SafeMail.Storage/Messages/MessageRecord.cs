namespace Miraie.SafeMail.Storage.Messages;

/// <summary>A stored message's metadata: the row in <c>messages</c> and its recipients.</summary>
public sealed record MessageRecord
{
    /// <summary>The queue id given to the client in the 250 reply.</summary>
    public required string Id { get; init; }

    /// <summary>When the gateway accepted it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The gateway node that accepted it.</summary>
    public required string NodeId { get; init; }

    /// <summary>The client's IP address.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The name the client gave in HELO/EHLO.</summary>
    public string? ClientHelo { get; init; }

    /// <summary>The Received header the gateway adds when it delivers (written at receipt, when the facts are known).</summary>
    public string? ReceivedHeader { get; init; }

    /// <summary>The SMTP AUTH user, when the client authenticated.</summary>
    public string? AuthUser { get; init; }

    /// <summary>MAIL FROM; empty for the null sender.</summary>
    public required string EnvelopeFrom { get; init; }

    /// <summary>The decoded Subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The From header's address.</summary>
    public string? HeaderFrom { get; init; }

    /// <summary>
    /// The From header's display name, decoded; empty when it has none; null for messages stored before it was recorded
    /// (read it from the stored message then). Mail-supplied: show as text only.
    /// </summary>
    public string? HeaderFromName { get; init; }

    /// <summary>The Message-ID header.</summary>
    public string? MessageIdHeader { get; init; }

    /// <summary>Size in bytes as received.</summary>
    public required long Size { get; init; }

    /// <summary>The spool segment holding the bytes (mail queued on receipt), or null.</summary>
    public string? Segment { get; init; }

    /// <summary>Where in <see cref="Segment"/> the bytes start.</summary>
    public long? SegmentOffset { get; init; }

    /// <summary>The file holding the bytes (quarantined and generated mail), relative to the data directory, or null.</summary>
    public string? FilePath { get; init; }

    /// <summary>One of <see cref="MessageState"/>.</summary>
    public required string State { get; init; }

    /// <summary><c>pass</c>, <c>quarantine</c> or <c>reject</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>The policy rule that decided.</summary>
    public required string Rule { get; init; }

    /// <summary>The confirmation stamp's status (kebab-case <c>ConfirmationStatus</c>).</summary>
    public required string Confirmation { get; init; }

    /// <summary>True when at least one recipient was external.</summary>
    public required bool External { get; init; }

    /// <summary>The verdict's findings as JSON (both languages, paths).</summary>
    public required string FindingsJson { get; init; }

    /// <summary>The inspection report as JSON (the attachment tree).</summary>
    public string? InspectionJson { get; init; }

    /// <summary>Delivery attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next delivery attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When retrying stops and the sender is told.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The last delivery problem.</summary>
    public string? LastError { get; init; }

    /// <summary>When the message reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>One of <see cref="MessageOrigin"/>.</summary>
    public required string Origin { get; init; }

    /// <summary>When an operator released it from the quarantine.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }

    /// <summary>Who released it.</summary>
    public string? ReleasedBy { get; init; }

    /// <summary>The envelope recipients.</summary>
    public IReadOnlyList<RecipientRecord> Recipients { get; init; } = [];

    /// <summary>The kinds found in the attachments and inside them, comma-separated with commas at both ends (<c>,pdf,zip,</c>), for filtering; null when none.</summary>
    public string? AttachmentKinds { get; init; }

    /// <summary>Who may approve a message awaiting approval: lower-case addresses; empty for admins only.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>Who cancelled, sent now, approved or rejected it (<c>system</c> when its time ran out).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>When that decision was taken.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The reason given with the decision (a rejection's reason), if any.</summary>
    public string? DecisionNote { get; init; }
}
