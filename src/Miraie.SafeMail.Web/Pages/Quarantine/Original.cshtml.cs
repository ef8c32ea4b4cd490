using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;

namespace Miraie.SafeMail.Web.Pages.Quarantine;

/// <summary>The original bytes as a .eml download (admins only; recorded in the audit log). Sent as an attachment, never shown.</summary>
[Authorize(Policy = ConsolePolicies.Admins)]
public sealed class OriginalModel(SafeMailDatabase database, QuarantineService quarantine, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>Streams the file.</summary>
    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!QueueId.IsValid(id) || await quarantine.ShowAsync(id, HttpContext.RequestAborted) is not { } found
            || found.Message.State is MessageState.Deleted or MessageState.Purged or MessageState.Rejected)
        {
            return NotFound();
        }

        await using (var connection = await OpenAsync())
        {
            await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), Actor, AuditActions.Download, id, null, HttpContext.RequestAborted);
        }

        return File(await quarantine.OpenOriginalAsync(found.Message, HttpContext.RequestAborted), "application/octet-stream", id + ".eml");
    }
}
