namespace Miraie.SafeMail.Storage.Audit;

/// <summary>One audit log entry.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who: a user name, or <c>system</c>.</param>
/// <param name="Action">What: <c>quarantine</c>, <c>release</c>, <c>delete</c>, <c>purge</c>, <c>notify</c>, <c>deliver</c>, <c>bounce</c> …</param>
/// <param name="MessageId">The message concerned, if any.</param>
/// <param name="Detail">Free text: the rule, the reason, the upstream reply.</param>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string? MessageId, string? Detail);
