namespace Miraie.SafeMail.Web.Audit;

/// <summary>The audit page's filters, from the query string.</summary>
public sealed class AuditFilter
{
    /// <summary>On or after this day.</summary>
    public DateOnly? From { get; set; }

    /// <summary>On or before this day.</summary>
    public DateOnly? To { get; set; }

    /// <summary>Actor contains this.</summary>
    public string? Actor { get; set; }

    /// <summary>Exactly this action.</summary>
    public string? Action { get; set; }

    /// <summary>This queue id.</summary>
    public string? Message { get; set; }

    /// <summary>
    /// 1-based page, from the query string's <c>page</c> only: Razor Pages' route value of that name (the page's own path)
    /// would otherwise win, fail to convert and leave every link to page 2 showing page 1.
    /// </summary>
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page")]
    public int Page { get; set; } = 1;

    /// <summary>Rows per page.</summary>
    public const int PageSize = 100;
}
