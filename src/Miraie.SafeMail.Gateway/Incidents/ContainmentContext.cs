using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>What a containment step works on: the incident, the reported message as it was when the report came, and who reported it.</summary>
/// <param name="IncidentId">The incident's number.</param>
/// <param name="Message">The reported message (read when the report was recorded; a step that needs its state now reads it again).</param>
/// <param name="Reporter">The reporter, with their authority: the message's sender, or an operator.</param>
public sealed record ContainmentContext(long IncidentId, MessageRecord Message, WaitingActor Reporter);
