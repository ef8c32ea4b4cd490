namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>How one recipient's delivery attempt went.</summary>
/// <param name="Address">The recipient.</param>
/// <param name="Kind">Delivered, or a temporary or permanent failure.</param>
/// <param name="Response">The upstream reply (or the local error), e.g. <c>550 5.1.1 user unknown</c>.</param>
/// <param name="RemoteMta">The host that answered, when there was one.</param>
public sealed record RecipientOutcome(string Address, OutcomeKind Kind, string Response, string? RemoteMta = null);
