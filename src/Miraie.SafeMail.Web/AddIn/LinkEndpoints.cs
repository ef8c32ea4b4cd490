using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Links;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// ダウンロードリンク in Outlook's task pane: the signed-in sender's live links (subject, recipients, until when, whether
/// downloaded) and revoking one. The caller is <see cref="AddInCaller"/>'s; someone else's link is answered 404, as an id
/// that does not exist. Revoking is audited as <c>addin:ADDRESS</c>.
/// </summary>
public static class LinkEndpoints
{
    /// <summary>Maps <c>/api/addin/links</c> and <c>/api/addin/links/{id}/revoke</c>.</summary>
    public static void MapSafeMailAddInLinks(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AddInOptions>();
        app.MapGet("/api/addin/links", async (HttpContext context, LinkService links, SafeMailDatabase database, TimeProvider time, DisplayTime display) =>
            {
                var (sender, problem) = AddInCaller.Identify(context, options);
                if (problem is not null || sender is null)
                {
                    return problem!;
                }

                var now = time.GetUtcNow();
                var live = (await links.ListAsync(sender, WaitingEndpoints.MaxList, context.RequestAborted)).Where(l => l.IsLive(now)).ToList();
                var items = new List<object>(live.Count);
                await using var connection = await database.OpenAsync(context.RequestAborted);
                foreach (var link in live)
                {
                    var message = await MessageTable.GetAsync(connection, link.MessageId, context.RequestAborted);
                    items.Add(new
                    {
                        id = link.Id,
                        subject = message?.Subject ?? "",
                        recipients = message?.Recipients.Select(r => new { address = r.Address, external = r.External }).ToArray() ?? [],
                        createdAtText = display.Format(link.CreatedAt),
                        expiresAtText = display.Format(link.ExpiresAt),
                        downloaded = link.FirstDownloadAt is not null,
                    });
                }

                return Results.Json(new { now, items });
            })
            .AllowAnonymous() // identified by AddInCaller, not by the console's cookie
            .RequireCors(AddInEndpoints.Cors);

        app.MapPost("/api/addin/links/{id}/revoke", async (HttpContext context, string id, LinkService links) =>
            {
                var (sender, problem) = AddInCaller.Identify(context, options);
                if (problem is not null || sender is null)
                {
                    return problem!;
                }

                var link = await links.GetAsync(id, context.RequestAborted);
                if (link is null || !string.Equals(link.Sender, sender, StringComparison.OrdinalIgnoreCase))
                {
                    return Answer(id, "not-found", "そのリンクは見つかりません。", "No such link.", StatusCodes.Status404NotFound);
                }

                return await links.RevokeAsync(id, "addin:" + sender.ToLowerInvariant(), sender, context.RequestAborted)
                    ? Answer(id, "done", "リンクを取り消しました。以後ダウンロードできません。", "The link was revoked: no more downloads.", StatusCodes.Status200OK)
                    : Answer(id, "not-live", "このリンクはすでに使えません（期限切れか取り消し済み）。", "This link is no longer live (expired or revoked).", StatusCodes.Status409Conflict);
            })
            .AllowAnonymous()
            .DisableAntiforgery() // a bearer token or the loopback development header, never a cookie: nothing to forge
            .RequireCors(AddInEndpoints.Cors);
    }

    private static IResult Answer(string id, string outcome, string ja, string en, int status) =>
        Results.Json(new { id, outcome, done = status == StatusCodes.Status200OK, ja, en, title = Localization.Lang.T(ja, en) }, statusCode: status);
}
