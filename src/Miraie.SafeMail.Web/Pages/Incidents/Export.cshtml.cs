using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Audit;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Incidents;

/// <summary>
/// Every misdelivery report as CSV (UTF-8 with BOM for Excel, like the audit export), newest first, with its work log in
/// one cell: what a security office files in its ISMS records. Times are ISO 8601 in the console's time zone; the export is
/// audited. Console staff only.
/// </summary>
[Authorize(Policy = ConsolePolicies.Anyone)]
public sealed class ExportModel(SafeMailDatabase database, TimeProvider time, DisplayTime display) : ConsolePageModel(database)
{
    /// <summary>The most incidents one export holds.</summary>
    public const int Limit = 100_000;

    /// <summary>Writes the file.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        await using var connection = await OpenAsync();
        var now = time.GetUtcNow();
        await AuditLog.AppendAsync(connection, null, now, Actor, AuditActions.IncidentExport, null, null, HttpContext.RequestAborted);
        var rows = await IncidentTable.ListAsync(connection, null, Limit, HttpContext.RequestAborted);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"safemail-incidents-{display.Local(now):yyyyMMdd-HHmm}.csv\"";
        await using var csv = new CsvWriter(Response.Body);
        var zone = display.Zone.Id;
        await csv.WriteRowAsync(Lang.T("番号", "no."), Lang.T("状態", "status"), Lang.T($"報告日時（{zone}）", $"reported ({zone})"), Lang.T("報告者", "reporter"),
            Lang.T("キューID", "queue id"), Lang.T("メール（キューIDがない場合）", "message (without a queue id)"), Lang.T("誤っていた宛先", "wrong recipients"),
            Lang.T("報告者のコメント", "reporter's words"), Lang.T("根本原因", "root cause"), Lang.T("是正処置", "corrective action"),
            Lang.T("完了者", "closed by"), Lang.T($"完了日時（{zone}）", $"closed ({zone})"), Lang.T("作業記録", "work log"));
        foreach (var i in rows)
        {
            var log = await IncidentTable.LogAsync(connection, i.Id, HttpContext.RequestAborted);
            await csv.WriteRowAsync(i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), IncidentState.Text(i.State).ToString(), display.Iso(i.ReportedAt),
                i.ReporterAddress ?? i.Reporter, i.MessageId, i.MessageId is null ? i.MessageHint : null, string.Join(", ", i.WrongRecipients), i.Statement,
                i.RootCause, i.CorrectiveAction, i.ClosedBy, i.ClosedAt is { } closed ? display.Iso(closed) : null,
                string.Join("\n", log.Select(e => $"{display.Iso(e.At)} {e.Author}: {e.Text}")));
        }

        return new EmptyResult();
    }
}
