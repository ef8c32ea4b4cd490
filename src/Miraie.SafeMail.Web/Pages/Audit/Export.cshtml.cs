using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Audit;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Audit;

/// <summary>
/// The filtered audit log as CSV (UTF-8 with BOM for Excel), streamed; the export itself is audited. Times are ISO 8601
/// with the offset of the console's time zone (<c>2026-11-27T14:05:07+09:00</c>), the zone named in the column header:
/// unambiguous for Excel and for scripts, whatever zone the reader is in.
/// </summary>
[Authorize(Policy = ConsolePolicies.Auditors)]
public sealed class ExportModel(SafeMailDatabase database, TimeProvider time, DisplayTime display) : ConsolePageModel(database)
{
    /// <summary>The filter.</summary>
    [BindProperty(SupportsGet = true)]
    public AuditFilter Filter { get; set; } = new();

    /// <summary>Writes the file.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        await using var connection = await OpenAsync();
        var now = time.GetUtcNow();
        await AuditLog.AppendAsync(connection, null, now, Actor, AuditActions.Export, null, Request.QueryString.Value, HttpContext.RequestAborted);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"safemail-audit-{display.Local(now):yyyyMMdd-HHmm}.csv\"";
        await using var csv = new CsvWriter(Response.Body);
        var zone = display.Zone.Id;
        await csv.WriteRowAsync(Lang.T($"日時（{zone}）", $"time ({zone})"), Lang.T("操作者", "actor"), Lang.T("操作", "action"), Lang.T("操作（表示名）", "action (text)"),
            Lang.T("キューID", "queue id"), Lang.T("詳細", "detail"));
        await foreach (var e in AuditQuery.AllAsync(connection, Filter, display, HttpContext.RequestAborted))
        {
            await csv.WriteRowAsync(display.Iso(e.At), e.Actor, e.Action,
                AuditActions.Text(e.Action).ToString(), e.MessageId, e.Detail);
        }

        return new EmptyResult();
    }
}
