namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>What a reporter says: which message (by queue id, or by its Internet Message-ID, or only its subject), which recipients were wrong, and anything else.</summary>
/// <param name="MessageId">The queue id (the pane's held list and the console know it).</param>
/// <param name="InternetMessageId">The Message-ID header (Outlook's <c>internetMessageId</c> of a sent item): found among the reporter's own mail.</param>
/// <param name="Subject">The subject, when nothing else names the message: kept for the security office, never used to pick a message.</param>
/// <param name="WrongRecipients">The recipients the reporter says were wrong; may be empty.</param>
/// <param name="Statement">What happened, in the reporter's words; may be empty (a report needs no explanation).</param>
public sealed record IncidentReport(string? MessageId, string? InternetMessageId = null, string? Subject = null, IReadOnlyList<string>? WrongRecipients = null,
    string? Statement = null);
