using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Audit;
using Miraie.SafeMail.Gateway.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Audit;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Audit;

/// <summary>The filtered audit log as CSV (UTF-8 with BOM for Excel), streamed; the export itself is audited.</summary>
[Authorize(Policy = ConsolePolicies.Auditors)]
public sealed class ExportModel(GatewayDatabase database, TimeProvider time) : ConsolePageModel(database)
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
        Response.Headers.ContentDisposition = $"attachment; filename=\"safemail-audit-{now.ToLocalTime():yyyyMMdd-HHmm}.csv\"";
        await using var csv = new CsvWriter(Response.Body);
        await csv.WriteRowAsync(Lang.T("日時", "time"), Lang.T("操作者", "actor"), Lang.T("操作", "action"), Lang.T("操作（表示名）", "action (text)"),
            Lang.T("キューID", "queue id"), Lang.T("詳細", "detail"));
        await foreach (var e in AuditQuery.AllAsync(connection, Filter, HttpContext.RequestAborted))
        {
            await csv.WriteRowAsync(e.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture), e.Actor, e.Action,
                AuditActions.Text(e.Action).ToString(), e.MessageId, e.Detail);
        }

        return new EmptyResult();
    }
}
