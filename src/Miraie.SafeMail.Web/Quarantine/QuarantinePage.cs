namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>A page of the quarantine list with the total and the counts per state.</summary>
public sealed record QuarantinePage(IReadOnlyList<QuarantineRow> Rows, long Total, IReadOnlyDictionary<string, long> CountsByState,
    IReadOnlyList<string> Rules);
