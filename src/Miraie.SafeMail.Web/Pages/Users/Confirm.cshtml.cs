using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Users;

/// <summary>
/// The confirmation step before an admin changes a role or disables an account (their own included): GET shows what will
/// happen and warns when it is the admin's own account or the last enabled admin; POST does it. The last-admin rule is
/// kept by the store in one write transaction (<see cref="ConsoleUsers.SetRoleAsync"/>), so two admins confirming at the
/// same moment cannot remove each other.
/// </summary>
[Authorize(Policy = ConsolePolicies.Admins)]
public sealed class ConfirmModel(SafeMailDatabase database, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary><c>role</c> or <c>disable</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Op { get; set; }

    /// <summary>The account.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    /// <summary>The new role (for <c>role</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Role { get; set; }

    /// <summary>The account as stored.</summary>
    public ConsoleUser? Account { get; private set; }

    /// <summary>True when the account is the signed-in admin's own.</summary>
    public bool IsSelf => Account is not null && Account.Name == User.Identity?.Name && !EntraSignIn.IsEntraSession(User);

    /// <summary>True when the change would leave no enabled admin (no confirm button is offered).</summary>
    public bool LastAdmin { get; private set; }

    /// <summary>True when the account already has the role, or is already disabled.</summary>
    public bool NothingToChange => Account is not null && (Op == "role" ? Account.Role == Role : Account.Disabled);

    /// <summary>The page's title.</summary>
    public string Title => Op == "role" ? Lang.T("役割の変更", "Change role") : Lang.T("アカウントの無効化", "Disable account");

    /// <summary>What confirming does.</summary>
    public string Explanation => Op == "role"
        ? Lang.T($"{Name} の役割を{ConsoleRoles.Text(Account!.Role).Ja}から{ConsoleRoles.Text(Role!).Ja}に変更します。{Name} のサインイン中のセッションは終了します。",
            $"The role of {Name} changes from {ConsoleRoles.Text(Account!.Role).En} to {ConsoleRoles.Text(Role!).En}; {Name}'s open sessions end.")
        : Lang.T($"{Name} を無効にします。無効にしたアカウントはサインインできず、サインイン中のセッションもすぐに終了します（あとで有効に戻せます）。",
            $"{Name} is disabled: it cannot sign in, and its open sessions end at once (it can be enabled again later).");

    /// <summary>Shows what will happen.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        if (!Valid())
        {
            return BadRequest();
        }

        await using var connection = await OpenAsync();
        Account = await ConsoleUsers.GetAsync(connection, Name!, HttpContext.RequestAborted);
        if (Account is null)
        {
            return NotFound();
        }

        var removesAdmin = Account is { Role: ConsoleRoles.Admin, Disabled: false } && (Op == "disable" || Role != ConsoleRoles.Admin);
        LastAdmin = removesAdmin && await ConsoleUsers.CountEnabledAdminsAsync(connection, HttpContext.RequestAborted) <= 1;
        return Page();
    }

    /// <summary>Does it (the store refuses it if it would leave no admin, whatever the page showed).</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (!Valid())
        {
            return BadRequest();
        }

        await using var connection = await OpenAsync();
        var result = Op == "role"
            ? await ConsoleUsers.SetRoleAsync(connection, Name!, Role!, HttpContext.RequestAborted)
            : await ConsoleUsers.SetDisabledAsync(connection, Name!, true, HttpContext.RequestAborted);
        switch (result)
        {
            case AccountChange.NoSuchUser:
                return NotFound();
            case AccountChange.LastAdmin:
                TempData["Error"] = Op == "role"
                    ? Lang.T("最後の管理者の役割は変更できません。先に別の管理者を追加してください。", "The last admin cannot lose the role: add another admin first.")
                    : Lang.T("最後の管理者は無効にできません。先に別の管理者を追加してください。", "The last admin cannot be disabled: add another admin first.");
                return Redirect("/users");
            default:
                await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), Actor, AuditActions.UserChange, null,
                    Op == "role" ? $"role {Name} -> {Role}" : $"disable {Name}", HttpContext.RequestAborted);
                TempData["Message"] = Op == "role" ? Lang.T($"{Name} の役割を変更しました。", $"Changed the role of {Name}.") : Lang.T($"{Name} を無効にしました。", $"Disabled {Name}.");
                return Redirect("/users");
        }
    }

    private bool Valid() => Name is { Length: > 0 and <= 256 } && (Op == "disable" || (Op == "role" && ConsoleRoles.All.Contains(Role)));
}
