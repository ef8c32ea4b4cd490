namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// Who acts on waiting mail, and with what authority. A sender acts on their own held mail, an approver on the mail
/// that names them; operators see and act on everyone's held mail; admins may also approve or reject anything (the
/// fallback when no approver could be found).
/// </summary>
/// <param name="Name">How the audit log names them (the console user, the Outlook user's address, <c>cli:user</c>).</param>
/// <param name="Address">Their mail address, which makes mail theirs: the envelope sender, or an approver entry.</param>
/// <param name="IsOperator">An operator (or admin) of the console: sees and acts on everyone's held mail.</param>
/// <param name="IsAdmin">An admin (or the CLI, run as the service user): may also approve or reject any message.</param>
public sealed record WaitingActor(string Name, string? Address, bool IsOperator = false, bool IsAdmin = false)
{
    /// <summary>A sender or approver known only by their address (Outlook's pane, the console's own-mail pages).</summary>
    public static WaitingActor Person(string address) => new(address.Trim().ToLowerInvariant(), address.Trim().ToLowerInvariant());

    /// <summary>True when the message was sent by this actor.</summary>
    public bool Sent(string envelopeFrom) => Address is { Length: > 0 } address && envelopeFrom.Equals(address, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when this actor is among the message's approvers.</summary>
    public bool Approves(IReadOnlyList<string> approvers) => Address is { Length: > 0 } address && approvers.Contains(address, StringComparer.OrdinalIgnoreCase);
}
