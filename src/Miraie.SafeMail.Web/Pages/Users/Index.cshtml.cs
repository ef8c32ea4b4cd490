using System.Data.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages.Users;

/// <summary>
/// Admins manage console accounts: add, enable, reset a password, clear a sign-in wait. Changing a role and disabling go
/// through <see cref="ConfirmModel"/> first. Every change is audited.
/// </summary>
[Authorize(Policy = ConsolePolicies.Admins)]
public sealed class IndexModel(SafeMailDatabase database, TimeProvider time, SignInThrottle throttle) : ConsolePageModel(database)
{
    /// <summary>Every account.</summary>
    public IReadOnlyList<ConsoleUser> Users { get; private set; } = [];

    private IReadOnlyDictionary<string, TimeSpan> _waiting = new Dictionary<string, TimeSpan>();

    /// <summary>How long sign-ins to <paramref name="name"/> must still wait somewhere, or null.</summary>
    public TimeSpan? Waiting(string name) => _waiting.TryGetValue(name, out var wait) ? wait : null;

    /// <summary>Lists the accounts.</summary>
    public async Task OnGetAsync()
    {
        await using var connection = await OpenAsync();
        Users = await ConsoleUsers.ListAsync(connection, HttpContext.RequestAborted);
        _waiting = await throttle.WaitingAsync(connection, HttpContext.RequestAborted);
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

        if (PasswordProblem(password) is { } problem)
        {
            return Fail(problem);
        }

        await using var connection = await OpenAsync();
        if (!await ConsoleUsers.AddAsync(connection, name, password!, role!, time.GetUtcNow(), HttpContext.RequestAborted))
        {
            return Fail(Lang.T($"ユーザー {name} は既にいます。", $"User {name} exists."));
        }

        return await DoneAsync(connection, $"add {name} role={role}", Lang.T($"{name} を追加しました。", $"Added {name}."));
    }

    /// <summary>Enables a disabled account (no confirmation: it takes nothing away).</summary>
    public async Task<IActionResult> OnPostEnableAsync(string? name)
    {
        await using var connection = await OpenAsync();
        return name is not null && await ConsoleUsers.SetDisabledAsync(connection, name, false, HttpContext.RequestAborted) == AccountChange.Done
            ? await DoneAsync(connection, $"enable {name}", Lang.T($"{name} を有効にしました。", $"Enabled {name}."))
            : NotFound();
    }

    /// <summary>Sets a new password.</summary>
    public async Task<IActionResult> OnPostPasswordAsync(string? name, string? password)
    {
        if (PasswordProblem(password) is { } problem)
        {
            return Fail(problem);
        }

        await using var connection = await OpenAsync();
        return name is not null && await ConsoleUsers.SetPasswordAsync(connection, name, password!, HttpContext.RequestAborted)
            ? await DoneAsync(connection, $"reset-password {name}", Lang.T($"{name} のパスワードを再設定しました。", $"Set a new password for {name}."))
            : NotFound();
    }

    /// <summary>Clears the account's sign-in wait (what <c>safemail users unlock</c> does).</summary>
    public async Task<IActionResult> OnPostUnlockAsync(string? name)
    {
        await using var connection = await OpenAsync();
        if (name is null || !await ConsoleUsers.ClearSignInWaitAsync(connection, name, time.GetUtcNow(), HttpContext.RequestAborted))
        {
            return NotFound();
        }

        return await DoneAsync(connection, $"unlock {name}", Lang.T($"{name} のサインイン待機を解除しました。", $"Cleared the sign-in wait of {name}."));
    }

    private static string? PasswordProblem(string? password) => (password ?? "").Length switch
    {
        < ConsoleUsers.MinimumPasswordLength => Lang.T($"パスワードは{ConsoleUsers.MinimumPasswordLength}文字以上にしてください。",
            $"The password needs at least {ConsoleUsers.MinimumPasswordLength} characters."),
        > SignInLimits.MaxPasswordLength => Lang.T($"パスワードは{SignInLimits.MaxPasswordLength}文字以内にしてください。",
            $"The password has at most {SignInLimits.MaxPasswordLength} characters."),
        _ => null,
    };

    private async Task<IActionResult> DoneAsync(DbConnection connection, string detail, string message)
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
