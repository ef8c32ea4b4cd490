namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>What the quarantine list shows: every field optional, bound from the query string.</summary>
public sealed class QuarantineFilter
{
    /// <summary>Message state; default quarantined; "all" for every state.</summary>
    public string? Status { get; set; }

    /// <summary>Received on or after this day (a day in the console's time zone).</summary>
    public DateOnly? From { get; set; }

    /// <summary>Received on or before this day.</summary>
    public DateOnly? To { get; set; }

    /// <summary>Envelope sender contains this.</summary>
    public string? Sender { get; set; }

    /// <summary>Some recipient is in this domain (exact, case-insensitive).</summary>
    public string? Domain { get; set; }

    /// <summary>The rule that decided.</summary>
    public string? Reason { get; set; }

    /// <summary>Some attachment (or something inside one) is of this kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Free text: subject, sender or queue id.</summary>
    public string? Q { get; set; }

    /// <summary>received (default, newest first), received-asc, size, size-asc, sender.</summary>
    public string? Sort { get; set; }

    /// <summary>
    /// 1-based page, from the query string's <c>page</c> only: Razor Pages' route value of that name (the page's own path)
    /// would otherwise win, fail to convert and leave every link to page 2 showing page 1.
    /// </summary>
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page")]
    public int Page { get; set; } = 1;

    /// <summary>Rows per page.</summary>
    public const int PageSize = 50;
}
