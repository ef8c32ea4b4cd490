using Miraie.SafeMail.Storage.Links;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Waiting;

/// <summary>A download link's state in the reader's language.</summary>
public static class LinkState
{
    /// <summary>Live (and whether downloaded), revoked, expired or its files deleted.</summary>
    public static string Of(LinkRecord link, DateTimeOffset now) =>
        link.PurgedAt is not null ? Lang.T("ファイル削除済み", "files deleted")
        : link.RevokedAt is not null ? Lang.T("取り消し済み", "revoked") + $" ({link.RevokedBy})"
        : link.ExpiresAt <= now ? Lang.T("期限切れ", "expired")
        : link.FirstDownloadAt is null ? Lang.T("有効・未ダウンロード", "live, not downloaded")
        : Lang.T("有効・ダウンロード済み", "live, downloaded");
}
