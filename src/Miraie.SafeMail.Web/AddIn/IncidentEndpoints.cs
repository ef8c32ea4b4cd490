using System.Text.Json;
using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Gateway.Waiting;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// 誤送信の報告 from Outlook's pane (ADR-020): <c>POST /api/addin/incidents</c>. The caller is <see cref="AddInCaller"/>'s and
/// reports as <see cref="WaitingActor.Person"/> — only their own mail, whatever they are in the console: by queue id (the
/// held list), by the sent item's Internet Message-ID, or by subject alone. Someone else's id is answered 404, as an id that
/// does not exist. The answer says, in both languages, what was stopped and what had already left.
/// </summary>
public static class IncidentEndpoints
{
    /// <summary>What the pane sends; every field may be left out but one that names the message.</summary>
    public sealed record ReportRequest(string? Id, string? InternetMessageId, string? Subject, List<string>? WrongRecipients, string? Statement);

    /// <summary>Maps <c>/api/addin/incidents</c>.</summary>
    public static void MapSafeMailAddInIncidents(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();
        app.MapPost("/api/addin/incidents", async (HttpContext context, ReportRequest? request, IncidentService incidents) =>
            {
                var (sender, problem) = AddInCaller.Identify(context, options);
                if (problem is not null || sender is null)
                {
                    return problem!;
                }

                var result = await incidents.ReportAsync(WaitingActor.Person(sender), new IncidentReport(request?.Id, request?.InternetMessageId, request?.Subject,
                    request?.WrongRecipients, request?.Statement), context.RequestAborted);
                var text = result.Text;
                return Results.Json(new
                {
                    incident = result.IncidentId,
                    outcome = JsonNamingPolicy.KebabCaseLower.ConvertName(result.Outcome.ToString()),
                    done = result.Done,
                    messageId = result.MessageId,
                    notified = result.Notified,
                    steps = result.Steps.Select(s => new
                    {
                        step = s.Step,
                        outcome = JsonNamingPolicy.KebabCaseLower.ConvertName(s.Outcome.ToString()),
                        ja = s.Text.Ja,
                        en = s.Text.En,
                    }),
                    ja = text.Ja,
                    en = text.En,
                    title = text.ToString(),
                }, statusCode: result.Outcome switch
                {
                    IncidentOutcome.Done => StatusCodes.Status200OK,
                    IncidentOutcome.NotFound => StatusCodes.Status404NotFound,
                    _ => StatusCodes.Status400BadRequest,
                });
            })
            .AllowAnonymous() // identified by AddInCaller, not by the console's cookie
            .DisableAntiforgery() // a bearer token or the loopback development header, never a cookie: nothing to forge
            .RequireCors(AddInEndpoints.Cors);
    }
}
