namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>One line of the quarantine list.</summary>
public sealed record QuarantineRow(string Id, DateTimeOffset ReceivedAt, string Sender, string? Subject, string State, string Rule, long Size,
    string? Kinds, string Recipients)
{
    /// <summary>The From header's display name, when stored and not empty (mail-supplied: shown as text only).</summary>
    public string? FromName { get; init; }
}
