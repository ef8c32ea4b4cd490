namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>The outcome of receiving one message.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="QueueId">The queue id (also for rejected messages, which are recorded without their bytes).</param>
/// <param name="Reply">The text of the SMTP reply after its code, e.g. <c>2.0.0 Ok: queued as 01J…</c>.</param>
public sealed record AcceptResult(AcceptOutcome Outcome, string QueueId, string Reply);
