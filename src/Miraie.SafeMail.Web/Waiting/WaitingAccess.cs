using System.Data.Common;
using System.Security.Claims;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Waiting;

/// <summary>
/// Who sees and does what with held mail and approvals in the console (ADR-017). Console staff (operators, admins,
/// auditors) read everyone's; a sender (an Entra ID user without a console role) reads only their own held mail, the
/// approvals naming them and their own mail awaiting approval — anything else is "no such message". Acting goes through
/// <see cref="HeldMailService"/> and <see cref="ApprovalService"/> with <see cref="ActorFor"/>, which enforce who may do what
/// and audit it; auditors never act.
/// </summary>
public sealed class WaitingAccess(SafeMailDatabase database, WaitingStore store, HeldMailService held, ApprovalService approvals)
{
    /// <summary>The most rows a list shows.</summary>
    public const int ListLimit = 500;

    /// <summary>
    /// The actor for a signed-in user: audited as <c>web:NAME</c>; their address from the session (Entra ID); operators
    /// and admins act on everyone's held mail; admins decide any approval.
    /// </summary>
    public static WaitingActor ActorFor(ClaimsPrincipal user) => new(
        "web:" + (user.Identity?.Name ?? "?"),
        user.FindFirst(EntraSignIn.AddressClaim)?.Value,
        IsOperator: user.IsInRole(ConsoleRoles.Operator) || user.IsInRole(ConsoleRoles.Admin),
        IsAdmin: user.IsInRole(ConsoleRoles.Admin));

    /// <summary>Console staff: operators, admins and auditors read every held message and every approval.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => ConsoleRoles.All.Any(user.IsInRole);

    /// <summary>False for auditors, who only read; everyone else may ask (the services decide whether it is theirs).</summary>
    public static bool MayAct(ClaimsPrincipal user) => !user.IsInRole(ConsoleRoles.Auditor);

    /// <summary>Held mail the user may see, newest first.</summary>
    public Task<IReadOnlyList<MessageRecord>> HeldAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        IsStaff(user) ? store.ListAsync(MessageState.Held, null, null, ListLimit, cancellationToken) : held.ListAsync(ActorFor(user), ListLimit, cancellationToken);

    /// <summary>Messages awaiting approval: those the user may decide on (staff: all), and those the user sent.</summary>
    public async Task<(IReadOnlyList<MessageRecord> ToDecide, IReadOnlyList<MessageRecord> Sent)> ApprovalsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var actor = ActorFor(user);
        var toDecide = IsStaff(user)
            ? await store.ListAsync(MessageState.AwaitingApproval, null, null, ListLimit, cancellationToken).ConfigureAwait(false)
            : await approvals.ListAsync(actor, ListLimit, cancellationToken).ConfigureAwait(false);
        var sent = await approvals.ListSentAsync(actor, ListLimit, cancellationToken).ConfigureAwait(false);
        return (toDecide, sent.Where(m => toDecide.All(d => d.Id != m.Id)).ToList());
    }

    /// <summary>A message the policy held (in whatever state it is now), when the user may see it; null otherwise.</summary>
    public async Task<MessageRecord?> HeldMessageAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        var message = IsStaff(user) ? await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            : await held.GetAsync(ActorFor(user), id, cancellationToken).ConfigureAwait(false);
        return message?.Verdict == "hold" ? message : null;
    }

    /// <summary>A message the policy sent for approval (in whatever state it is now), when the user may see it; null otherwise.</summary>
    public async Task<MessageRecord?> ApprovalMessageAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        var message = IsStaff(user) ? await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            : await approvals.GetAsync(ActorFor(user), id, cancellationToken).ConfigureAwait(false);
        return message?.Verdict == "approve" ? message : null;
    }

    /// <summary>
    /// How many messages are held and awaiting approval, for staff's menu (one grouped count on the state index); null for
    /// senders (their own counts would cost a list each) and when the database does not answer (the page still renders).
    /// </summary>
    public async Task<(long Held, long AwaitingApproval)?> CountsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!IsStaff(user))
        {
            return null;
        }

        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await WaitingTable.CountAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            return null;
        }
    }

    /// <summary>How long until <paramref name="at"/>, in words (<c>あと 4分30秒</c>, <c>2 d 5 h left</c>); "due" once it has passed.</summary>
    public static string Left(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } when)
        {
            return "—";
        }

        var span = when - now;
        return span <= TimeSpan.Zero ? Lang.T("期限になりました", "due now")
            : span.TotalDays >= 1 ? Lang.T($"あと {(int)span.TotalDays}日{span.Hours}時間", $"{(int)span.TotalDays} d {span.Hours} h left")
            : span.TotalHours >= 1 ? Lang.T($"あと {span.Hours}時間{span.Minutes}分", $"{span.Hours} h {span.Minutes} min left")
            : Lang.T($"あと {span.Minutes}分{span.Seconds}秒", $"{span.Minutes} min {span.Seconds} s left");
    }
}
