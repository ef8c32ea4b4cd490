namespace Miraie.SafeMail.Storage.Incidents;

/// <summary>One entry of an incident's work log (作業記録): what was done, by whom (<c>system</c> for containment), when.</summary>
public sealed record IncidentLogEntry(long IncidentId, DateTimeOffset At, string Author, string Text);
