using Microsoft.AspNetCore.Authorization;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Waiting;

namespace Miraie.SafeMail.Web.Pages.Approvals;

/// <summary>
/// Mail awaiting approval (承認待ち): what the user may decide on (console staff: all of it), then what the user sent that
/// waits for someone else's decision, with the deadlines.
/// </summary>
[Authorize(Policy = ConsolePolicies.Waiting)]
public sealed class IndexModel(SafeMailDatabase database, WaitingAccess access, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>The messages the user may decide on (staff: every one).</summary>
    public IReadOnlyList<MessageRecord> ToDecide { get; private set; } = [];

    /// <summary>The user's own messages waiting for an approver.</summary>
    public IReadOnlyList<MessageRecord> Sent { get; private set; } = [];

    /// <summary>Now, for the time left.</summary>
    public DateTimeOffset Now { get; } = time.GetUtcNow();

    /// <summary>Lists them.</summary>
    public async Task OnGetAsync() => (ToDecide, Sent) = await access.ApprovalsAsync(User, HttpContext.RequestAborted);
}
