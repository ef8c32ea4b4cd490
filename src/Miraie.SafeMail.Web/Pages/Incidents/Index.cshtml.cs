using Microsoft.AspNetCore.Authorization;
using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Web.Accounts;

namespace Miraie.SafeMail.Web.Pages.Incidents;

/// <summary>Misdelivery reports (誤送信の報告), newest first: open ones by default, or closed, or all. Console staff only.</summary>
[Authorize(Policy = ConsolePolicies.Anyone)]
public sealed class IndexModel(SafeMailDatabase database, IncidentService incidents) : ConsolePageModel(database)
{
    /// <summary>The most rows shown.</summary>
    public const int Limit = 500;

    /// <summary><c>open</c> (default), <c>closed</c> or <c>all</c>.</summary>
    public string State { get; private set; } = IncidentState.Open;

    /// <summary>The incidents.</summary>
    public IReadOnlyList<IncidentRecord> Rows { get; private set; } = [];

    /// <summary>Lists them.</summary>
    public async Task OnGetAsync(string? state)
    {
        State = state is IncidentState.Closed or "all" ? state : IncidentState.Open;
        Rows = await incidents.ListAsync(State == "all" ? null : State, Limit, HttpContext.RequestAborted);
    }
}
