namespace Miraie.SafeMail.Storage.Incidents;

/// <summary>One misdelivery report (誤送信の報告) and its follow-up: the row in <c>incidents</c>.</summary>
public sealed record IncidentRecord
{
    /// <summary>The incident number (shown as <c>#12</c>).</summary>
    public long Id { get; init; }

    /// <summary>The reported message's queue id; null when the reporter named mail SafeMail does not know.</summary>
    public string? MessageId { get; init; }

    /// <summary>What the reporter gave instead of (or besides) a queue id: an Internet Message-ID or a subject. Reporter-supplied: text only.</summary>
    public string? MessageHint { get; init; }

    /// <summary>Who reported, as the audit log names them (<c>web:NAME</c>, the Outlook user's address, <c>cli:USER</c>).</summary>
    public required string Reporter { get; init; }

    /// <summary>The reporter's mail address, when known (Entra ID and the add-in).</summary>
    public string? ReporterAddress { get; init; }

    /// <summary>When it was reported.</summary>
    public required DateTimeOffset ReportedAt { get; init; }

    /// <summary>What the reporter said, in their words. Reporter-supplied: text only.</summary>
    public string? Statement { get; init; }

    /// <summary>The recipients the reporter says were wrong (may be empty: "not sure which").</summary>
    public IReadOnlyList<string> WrongRecipients { get; init; } = [];

    /// <summary>One of <see cref="IncidentState"/>.</summary>
    public string State { get; init; } = IncidentState.Open;

    /// <summary>根本原因, as the security office records it.</summary>
    public string? RootCause { get; init; }

    /// <summary>是正処置, as the security office records it.</summary>
    public string? CorrectiveAction { get; init; }

    /// <summary>Who closed it.</summary>
    public string? ClosedBy { get; init; }

    /// <summary>When it was closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
}
