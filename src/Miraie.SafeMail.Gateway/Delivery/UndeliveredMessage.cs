namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// A message the gateway could not deliver to some or all of its recipients: what
/// <see cref="DeliveryStatusNotification"/> needs to write the failure report for its sender.
/// </summary>
public sealed record UndeliveredMessage
{
    /// <summary>The spool's id for the message; shown to the sender and reported as <c>X-SafeMail-Queue-ID</c> so operators can find it.</summary>
    public required string QueueId { get; init; }

    /// <summary>When the gateway accepted the message (its 250 reply); reported as <c>Arrival-Date</c>.</summary>
    public required DateTimeOffset ArrivalDate { get; init; }

    /// <summary>
    /// The original envelope sender (MAIL FROM), whom the report goes to. Empty (or <c>&lt;&gt;</c>) for the null
    /// sender, which gets no report at all.
    /// </summary>
    public required string EnvelopeSender { get; init; }

    /// <summary>
    /// The ENVID the client gave with MAIL FROM, xtext-decoded (RFC 3461 §6.3 a: the report carries the decoded value,
    /// <c>a+b</c> not <c>a+2Bb</c>); reported as <c>Original-Envelope-Id</c>. Null when none was given.
    /// </summary>
    public string? EnvelopeId { get; init; }

    /// <summary>
    /// The original message's bytes: the whole message or just its header section. Only the header fields are used
    /// (copied into <c>text/rfc822-headers</c>, and read for the subject and Message-ID); nothing after the first empty
    /// line is ever copied, so the body and its attachments cannot leak into the report. To read no more than the
    /// header section of a spooled file, use <see cref="DeliveryStatusNotification.ReadHeaderSectionAsync"/>.
    /// </summary>
    public required ReadOnlyMemory<byte> OriginalMessage { get; init; }

    /// <summary>The recipients the report is about, in envelope order; at least one.</summary>
    public required IReadOnlyList<DsnRecipient> Recipients { get; init; }
}
