using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// A message just quarantined: what <see cref="QuarantineNotice"/> tells its sender about it. It holds no content —
/// only the envelope, the verdict and the subject — so a notice cannot carry the attachment it is about.
/// </summary>
public sealed record QuarantinedMessage
{
    /// <summary>The quarantine's id for the message: the sender quotes it to the operator to have it released (解放).</summary>
    public required string QuarantineId { get; init; }

    /// <summary>Who sent it (the notice goes to <see cref="Envelope.Sender"/>) and every envelope recipient, BCC included.</summary>
    public required Envelope Envelope { get; init; }

    /// <summary>The verdict that quarantined it: its decisive findings are the reasons given, its external recipients are marked 社外.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>The message's subject, decoded; null or empty when it had none.</summary>
    public string? Subject { get; init; }

    /// <summary>
    /// When it was sent, shown so the sender can find it among their sent mail: the time the gateway accepted it (the
    /// Date header is the client's clock and may be wrong or missing).
    /// </summary>
    public required DateTimeOffset SentAt { get; init; }
}
