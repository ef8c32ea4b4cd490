namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>How a report, or a change to an incident, ended.</summary>
public enum IncidentOutcome
{
    /// <summary>Recorded (and, for a report, contained and sent to the security office).</summary>
    Done,
    /// <summary>No such message or incident — or not the reporter's message, answered alike so that ids cannot be probed.</summary>
    NotFound,
    /// <summary>The report names no message at all: neither a queue id, nor a Message-ID, nor a subject.</summary>
    NothingNamed,
    /// <summary>A text is longer than <see cref="Storage.Incidents.IncidentTable.MaxText"/>, or too many recipients were given.</summary>
    TooLong,
    /// <summary>A work log entry needs text.</summary>
    TextRequired,
    /// <summary>The incident is closed: nothing more is written to it.</summary>
    Closed,
    /// <summary>Closing needs the root cause and the corrective action first.</summary>
    Incomplete,
    /// <summary>The actor may not change incidents (only operators and admins do).</summary>
    NotAllowed,
}
