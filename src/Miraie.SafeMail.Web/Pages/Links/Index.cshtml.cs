using Microsoft.AspNetCore.Authorization;
using Miraie.SafeMail.Gateway.Links;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Links;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Links;

/// <summary>Download links, newest first: everyone's for console staff, a sender's own for a signed-in sender; with the storage they take.</summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class IndexModel(SafeMailDatabase database, LinkService links, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>The links.</summary>
    public IReadOnlyList<LinkRecord> Links { get; private set; } = [];

    /// <summary>Live links and the bytes their files take (staff only).</summary>
    public (long Links, long Bytes)? Storage { get; private set; }

    /// <summary>Now, for the state of each link.</summary>
    public DateTimeOffset Now { get; } = time.GetUtcNow();

    /// <summary>Lists them.</summary>
    public async Task OnGetAsync()
    {
        if (WaitingAccess.IsStaff(User))
        {
            Links = await links.ListAsync(null, WaitingAccess.ListLimit, HttpContext.RequestAborted);
            await using var connection = await OpenAsync();
            Storage = await LinkTable.StorageAsync(connection, HttpContext.RequestAborted);
        }
        else
        {
            Links = WaitingAccess.ActorFor(User).Address is { Length: > 0 } address
                ? await links.ListAsync(address, WaitingAccess.ListLimit, HttpContext.RequestAborted)
                : [];
        }
    }
}
