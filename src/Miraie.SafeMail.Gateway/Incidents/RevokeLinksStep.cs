using Miraie.SafeMail.Gateway.Links;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Links;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// The message's download links (action Link) are revoked at once — the page refuses them from the next request, on every
/// node — and the step says whether anything had already been downloaded, and by whom (from the audit log), which is
/// what the security office needs first. Mail without links is none of this step's business.
/// </summary>
public sealed class RevokeLinksStep(LinkService links, SafeMailDatabase database) : IContainmentStep
{
    /// <inheritdoc/>
    public string Name => "revoke-links";

    /// <inheritdoc/>
    public async Task<ContainmentResult?> ContainAsync(ContainmentContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<LinkRecord> made;
        List<string> downloads;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            made = await LinkTable.ForMessageAsync(connection, context.Message.Id, cancellationToken).ConfigureAwait(false);
            if (made.Count == 0)
            {
                return null;
            }

            downloads = (await Storage.Audit.AuditLog.ForMessageAsync(connection, context.Message.Id, cancellationToken).ConfigureAwait(false))
                .Where(a => a.Action == Storage.Audit.AuditActions.LinkDownload)
                .Select(a => a.Actor.StartsWith("download:", StringComparison.Ordinal) ? a.Actor["download:".Length..] : a.Actor)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        var revoked = 0;
        foreach (var link in made)
        {
            if (await links.RevokeAsync(link.Id, context.Reporter.Name, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                revoked++;
            }
        }

        var who = string.Join(", ", downloads);
        var (ja, en) = downloads.Count == 0
            ? ("まだ誰もダウンロードしていません。", "Nothing had been downloaded.")
            : ($"すでにダウンロードされていました（{who}）。", $"It had already been downloaded (by {who}).");
        return revoked > 0
            ? new(Name, downloads.Count == 0 ? ContainmentOutcome.Stopped : ContainmentOutcome.Left,
                new($"ダウンロードリンクを取り消しました。以後ダウンロードできません。{ja}", $"The download link was revoked: no more downloads. {en}"))
            : new(Name, downloads.Count == 0 ? ContainmentOutcome.AlreadyStopped : ContainmentOutcome.Left,
                new($"ダウンロードリンクはすでに使えない状態でした（取り消し済みか期限切れ）。{ja}", $"The download link was no longer live (revoked or expired). {en}"));
    }
}
