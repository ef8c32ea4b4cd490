using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Gateway.Audit;
using Miraie.SafeMail.Gateway.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Users;

/// <summary>Admins manage console accounts: add, change role, disable or enable, reset a password. Every change is audited.</summary>
[Authorize(Policy = ConsolePolicies.Admins)]
public sealed class IndexModel(GatewayDatabase database, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>Every account.</summary>
    public IReadOnlyList<ConsoleUser> Users { get; private set; } = [];

    /// <summary>Lists the accounts.</summary>
    public async Task OnGetAsync()
    {
        await using var connection = await OpenAsync();
        Users = await ConsoleUsers.ListAsync(connection, HttpContext.RequestAborted);
    }

    /// <summary>Adds an account.</summary>
    public async Task<IActionResult> OnPostAddAsync(string? name, string? role, string? password)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 64 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return Fail(Lang.T("ユーザー名は空白・制御文字なしの64文字以内にしてください。", "A user name has at most 64 characters, without spaces or control characters."));
        }

        if (!ConsoleRoles.All.Contains(role))
        {
            return Fail(Lang.T("役割を選んでください。", "Choose a role."));
        }

        if ((password ?? "").Length < ConsoleUsers.MinimumPasswordLength)
        {
            return Fail(Lang.T($"パスワードは{ConsoleUsers.MinimumPasswordLength}文字以上にしてください。", $"The password needs at least {ConsoleUsers.MinimumPasswordLength} characters."));
        }

        await using var connection = await OpenAsync();
        if (!await ConsoleUsers.AddAsync(connection, name, password!, role!, time.GetUtcNow(), HttpContext.RequestAborted))
        {
            return Fail(Lang.T($"ユーザー {name} は既にいます。", $"User {name} exists."));
        }

        return await DoneAsync(connection, $"add {name} role={role}", Lang.T($"{name} を追加しました。", $"Added {name}."));
    }

    /// <summary>Changes a role (the last enabled admin stays an admin).</summary>
    public async Task<IActionResult> OnPostRoleAsync(string? name, string? role)
    {
        if (name is null || !ConsoleRoles.All.Contains(role))
        {
            return Fail(Lang.T("役割を選んでください。", "Choose a role."));
        }

        await using var connection = await OpenAsync();
        if (role != ConsoleRoles.Admin && await IsLastAdminAsync(connection, name))
        {
            return Fail(Lang.T("最後の管理者の役割は変更できません。先に別の管理者を追加してください。", "The last admin cannot lose the role: add another admin first."));
        }

        return await ConsoleUsers.SetRoleAsync(connection, name, role!, HttpContext.RequestAborted)
            ? await DoneAsync(connection, $"role {name} -> {role}", Lang.T($"{name} の役割を変更しました。", $"Changed the role of {name}."))
            : NotFound();
    }

    /// <summary>Disables or enables an account (the last enabled admin stays enabled).</summary>
    public async Task<IActionResult> OnPostDisableAsync(string? name, bool disabled)
    {
        if (name is null)
        {
            return NotFound();
        }

        await using var connection = await OpenAsync();
        if (disabled && await IsLastAdminAsync(connection, name))
        {
            return Fail(Lang.T("最後の管理者は無効にできません。", "The last admin cannot be disabled."));
        }

        return await ConsoleUsers.SetDisabledAsync(connection, name, disabled, HttpContext.RequestAborted)
            ? await DoneAsync(connection, $"{(disabled ? "disable" : "enable")} {name}", disabled ? Lang.T($"{name} を無効にしました。", $"Disabled {name}.") : Lang.T($"{name} を有効にしました。", $"Enabled {name}."))
            : NotFound();
    }

    /// <summary>Sets a new password (and unlocks the account).</summary>
    public async Task<IActionResult> OnPostPasswordAsync(string? name, string? password)
    {
        if ((password ?? "").Length < ConsoleUsers.MinimumPasswordLength)
        {
            return Fail(Lang.T($"パスワードは{ConsoleUsers.MinimumPasswordLength}文字以上にしてください。", $"The password needs at least {ConsoleUsers.MinimumPasswordLength} characters."));
        }

        await using var connection = await OpenAsync();
        return name is not null && await ConsoleUsers.SetPasswordAsync(connection, name, password!, HttpContext.RequestAborted)
            ? await DoneAsync(connection, $"reset-password {name}", Lang.T($"{name} のパスワードを再設定しました。", $"Set a new password for {name}."))
            : NotFound();
    }

    private static async Task<bool> IsLastAdminAsync(SqliteConnection connection, string name)
    {
        var user = await ConsoleUsers.GetAsync(connection, name);
        return user is { Role: ConsoleRoles.Admin, Disabled: false } && await ConsoleUsers.CountEnabledAdminsAsync(connection) <= 1;
    }

    private async Task<IActionResult> DoneAsync(SqliteConnection connection, string detail, string message)
    {
        await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), Actor, AuditActions.UserChange, null, detail, HttpContext.RequestAborted);
        TempData["Message"] = message;
        return RedirectToPage();
    }

    private RedirectToPageResult Fail(string message)
    {
        TempData["Error"] = message;
        return RedirectToPage();
    }
}
