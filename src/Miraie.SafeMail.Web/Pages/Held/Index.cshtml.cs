using Microsoft.AspNetCore.Authorization;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Held;

/// <summary>Held mail (送信保留中): everyone's for console staff, a sender's own for a sender, newest first, with the time left.</summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class IndexModel(SafeMailDatabase database, WaitingAccess access, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>The held messages.</summary>
    public IReadOnlyList<MessageRecord> Messages { get; private set; } = [];

    /// <summary>Now, for the time left.</summary>
    public DateTimeOffset Now { get; } = time.GetUtcNow();

    /// <summary>Lists them.</summary>
    public async Task OnGetAsync() => Messages = await access.HeldAsync(User, HttpContext.RequestAborted);
}
