namespace Miraie.SafeMail.Storage.Messages;

/// <summary>One envelope recipient of a stored message and how its delivery went.</summary>
/// <param name="Address">The RCPT TO address.</param>
/// <param name="External">True when outside the internal domains at the time of receipt.</param>
/// <param name="State"><c>pending</c>, <c>delivered</c> or <c>failed</c>.</param>
/// <param name="LastResponse">The last upstream reply for it, e.g. <c>550 5.1.1 user unknown</c>.</param>
public sealed record RecipientRecord(string Address, bool External, string State, string? LastResponse);
