namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>One line of the quarantine list.</summary>
public sealed record QuarantineRow(string Id, DateTimeOffset ReceivedAt, string Sender, string? Subject, string State, string Rule, long Size,
    string? Kinds, string Recipients);
