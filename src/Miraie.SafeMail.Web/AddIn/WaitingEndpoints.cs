using System.Text.Json;
using MimeKit;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Localization;
using Miraie.SafeMail.Web.Quarantine;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// 送信保留 and 上長承認 in Outlook's task pane: the signed-in sender's held mail (cancel, send now) and the mail they may
/// approve or reject. The caller is <see cref="AddInCaller"/>'s (an Entra ID token, or the development header) and acts as
/// <see cref="WaitingActor.Person"/> — never as an operator, whatever else they are in the console. Someone else's id is
/// answered 404, as an id that does not exist, so ids cannot be probed. Times left are counted by the server's clock and
/// given in seconds, so the pane's countdown does not depend on the PC's clock.
/// </summary>
public static class WaitingEndpoints
{
    /// <summary>The most messages one list answers with.</summary>
    public const int MaxList = 200;

    /// <summary>The longest body text an approver is shown in the pane (the console shows more).</summary>
    public const int MaxBodyChars = 20_000;

    /// <summary>Maps <c>/api/addin/held</c> and <c>/api/addin/approvals</c>.</summary>
    public static void MapSafeMailAddInWaiting(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();

        Read(app, options, "/api/addin/held", async (context, actor, now, display) =>
        {
            var list = await context.RequestServices.GetRequiredService<HeldMailService>().ListAsync(actor, MaxList, context.RequestAborted);
            return Results.Json(new { now, items = list.Select(m => Held(m, now, display)) });
        });
        Decision(app, options, "/api/addin/held/{id}/cancel", DecisionTexts.Cancel,
            (services, actor, id, _, ct) => services.GetRequiredService<HeldMailService>().CancelAsync(actor, id, ct));
        Decision(app, options, "/api/addin/held/{id}/send-now", DecisionTexts.SendNow,
            (services, actor, id, _, ct) => services.GetRequiredService<HeldMailService>().SendNowAsync(actor, id, ct));

        Read(app, options, "/api/addin/approvals", async (context, actor, now, display) =>
        {
            var approvals = context.RequestServices.GetRequiredService<ApprovalService>();
            var toDecide = await approvals.ListAsync(actor, MaxList, context.RequestAborted);
            var sent = await approvals.ListSentAsync(actor, MaxList, context.RequestAborted);
            return Results.Json(new { now, toDecide = toDecide.Select(m => Awaiting(m, now, display)), sent = sent.Select(m => Awaiting(m, now, display)) });
        });

        // One message to decide on, with its body as text (never HTML): what the approver reads before deciding.
        Read(app, options, "/api/addin/approvals/{id}", async (context, actor, now, display) =>
        {
            var id = context.Request.RouteValues["id"] as string ?? "";
            var message = await context.RequestServices.GetRequiredService<ApprovalService>().GetAsync(actor, id, context.RequestAborted);
            if (message is null || message.State != MessageState.AwaitingApproval)
            {
                return Outcome(new DecisionResult(id, message is null ? DecisionOutcome.NotFound : DecisionOutcome.NotWaiting), DecisionTexts.Approve);
            }

            var (body, truncated) = await BodyAsync(context.RequestServices.GetRequiredService<WaitingStore>(), message, context.RequestAborted);
            return Results.Json(new { message = Awaiting(message, now, display), mayDecide = ApprovalService.MayDecide(actor, message), body, bodyTruncated = truncated });
        });
        Decision(app, options, "/api/addin/approvals/{id}/approve", DecisionTexts.Approve,
            (services, actor, id, text, ct) => services.GetRequiredService<ApprovalService>().ApproveAsync(actor, id, text, ct));
        Decision(app, options, "/api/addin/approvals/{id}/reject", DecisionTexts.Reject,
            (services, actor, id, text, ct) => services.GetRequiredService<ApprovalService>().RejectAsync(actor, id, text, ct));
    }

    /// <summary>The reason or note sent with a decision (JSON <c>{ "reason": "…" }</c>; the body may be left out).</summary>
    public sealed record DecisionRequest(string? Reason);

    // A GET for the signed-in caller, with the server's time now (what every "seconds left" is counted from).
    private static void Read(WebApplication app, AddInOptions options, string pattern, Func<HttpContext, WaitingActor, DateTimeOffset, DisplayTime, Task<IResult>> read) =>
        app.MapGet(pattern, async (HttpContext context, TimeProvider time, DisplayTime display) =>
            {
                var (actor, problem) = Caller(context, options);
                return actor is null ? problem! : await read(context, actor, time.GetUtcNow(), display);
            })
            .AllowAnonymous() // identified by AddInCaller, not by the console's cookie
            .RequireCors(AddInEndpoints.Cors);

    private static void Decision(WebApplication app, AddInOptions options, string pattern, string action,
        Func<IServiceProvider, WaitingActor, string, string?, CancellationToken, Task<DecisionResult>> decide) =>
        app.MapPost(pattern, async (HttpContext context, string id, DecisionRequest? request) =>
            {
                var (actor, problem) = Caller(context, options);
                if (actor is null)
                {
                    return problem!;
                }

                if (request?.Reason is { Length: > DecisionTexts.MaxReasonLength })
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: Lang.T(
                        $"理由は {DecisionTexts.MaxReasonLength} 文字以内で入力してください", $"Keep the reason within {DecisionTexts.MaxReasonLength} characters"));
                }

                return Outcome(await decide(context.RequestServices, actor, id, request?.Reason, context.RequestAborted), action);
            })
            .AllowAnonymous() // identified by AddInCaller, not by the console's cookie
            .DisableAntiforgery() // a bearer token or the loopback development header, never a cookie: nothing to forge
            .RequireCors(AddInEndpoints.Cors);

    private static (WaitingActor? Actor, IResult? Problem) Caller(HttpContext context, AddInOptions options)
    {
        var (sender, problem) = AddInCaller.Identify(context, options);
        return problem is null && sender is not null ? (WaitingActor.Person(sender), null) : (null, problem);
    }

    /// <summary>The outcome with its texts in both languages (the pane shows Outlook's language); the status says what kind of answer it is.</summary>
    private static IResult Outcome(DecisionResult result, string action)
    {
        var text = result.Text(action);
        var status = result.Outcome switch
        {
            DecisionOutcome.Done => StatusCodes.Status200OK,
            DecisionOutcome.NotFound => StatusCodes.Status404NotFound,
            DecisionOutcome.NotAllowed => StatusCodes.Status403Forbidden,
            DecisionOutcome.ReasonRequired => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status409Conflict, // already sent, cancelled, declined, or not waiting: the pane shows why
        };
        return Results.Json(new
        {
            id = result.Id,
            outcome = JsonNamingPolicy.KebabCaseLower.ConvertName(result.Outcome.ToString()),
            done = result.Done,
            ja = text.Ja,
            en = text.En,
            title = text.ToString(),
        }, statusCode: status);
    }

    private static object Held(MessageRecord m, DateTimeOffset now, DisplayTime display)
    {
        var leavesAt = m.NextAttemptAt ?? now;
        return new
        {
            id = m.Id,
            subject = m.Subject ?? "",
            recipients = Recipients(m),
            receivedAt = m.ReceivedAt,
            receivedAtText = display.Format(m.ReceivedAt),
            leavesAt,
            leavesAtText = display.FormatSeconds(leavesAt),
            secondsLeft = SecondsLeft(leavesAt, now),
        };
    }

    private static object Awaiting(MessageRecord m, DateTimeOffset now, DisplayTime display)
    {
        var decideBy = m.ExpiresAt ?? now;
        return new
        {
            id = m.Id,
            subject = m.Subject ?? "",
            from = m.EnvelopeFrom,
            fromName = m.HeaderFromName ?? "",
            recipients = Recipients(m),
            receivedAt = m.ReceivedAt,
            receivedAtText = display.Format(m.ReceivedAt),
            decideBy,
            decideByText = display.Format(decideBy),
            secondsLeft = SecondsLeft(decideBy, now),
            approvers = m.Approvers,
            size = m.Size,
            findings = Findings(m).Select(f => new { ja = f.Line.Ja, en = f.Line.En, decisive = f.Decisive }),
        };
    }

    private static IEnumerable<object> Recipients(MessageRecord m) => m.Recipients.Select(r => new { address = r.Address, external = r.External });

    // Whole seconds, rounded up: "0" only once the time has come.
    private static long SecondsLeft(DateTimeOffset at, DateTimeOffset now) => Math.Max(0, (long)Math.Ceiling((at - now).TotalSeconds));

    private static List<Finding> Findings(MessageRecord m)
    {
        try
        {
            return JsonSerializer.Deserialize<List<Finding>>(m.FindingsJson, ReportJson.Options) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static async Task<(string? Body, bool Truncated)> BodyAsync(WaitingStore store, MessageRecord message, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenAsync(message, cancellationToken);
            var mime = await MimeMessage.LoadAsync(stream, cancellationToken);
            var body = mime.TextBody ?? (mime.HtmlBody is { } html ? HtmlText.Convert(html) : null);
            return body is { Length: > MaxBodyChars } ? (body[..MaxBodyChars], true) : (body, false);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return (null, false); // the list still lets them decide; the console shows what could not be read
        }
    }
}
