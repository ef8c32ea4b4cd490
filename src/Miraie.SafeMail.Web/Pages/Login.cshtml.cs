using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Audit;
using Miraie.SafeMail.Gateway.Storage;
using SignInResult = Miraie.SafeMail.Gateway.Storage.SignInResult;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>Sign-in with a local account; five failures in a row lock the account for fifteen minutes.</summary>
public sealed class LoginModel(GatewayDatabase database, TimeProvider time) : ConsolePageModel(database)
{
    /// <summary>The name typed (kept after a failure).</summary>
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The password typed.</summary>
    [BindProperty]
    public string? Password { get; set; }

    /// <summary>Where to go after signing in (local paths only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Why the last attempt failed.</summary>
    public string? Problem { get; private set; }

    /// <summary>Shows the form.</summary>
    public void OnGet()
    {
    }

    /// <summary>Checks the account and starts a session.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        var name = (Name ?? "").Trim();
        await using var connection = await OpenAsync();
        var now = time.GetUtcNow();
        var result = name.Length == 0 ? SignInResult.Failed : await ConsoleUsers.SignInAsync(connection, name, Password ?? "", now, HttpContext.RequestAborted);
        var client = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?";
        if (result.User is not { } user)
        {
            if (name.Length > 0)
            {
                await AuditLog.AppendAsync(connection, null, now, "web:" + name, AuditActions.SignInFailed, null, $"{result.Outcome} from {client}", HttpContext.RequestAborted);
            }

            Problem = result.Outcome switch
            {
                SignInOutcome.LockedOut => Lang.T($"サインインの失敗が続いたため、アカウントをロックしています。{(int)ConsoleUsers.LockoutDuration.TotalMinutes}分後にもう一度お試しいただくか、管理者にご連絡ください。",
                    $"This account is locked after repeated failures. Try again in {(int)ConsoleUsers.LockoutDuration.TotalMinutes} minutes or ask an admin."),
                SignInOutcome.Disabled => Lang.T("このアカウントは無効になっています。管理者にご連絡ください。", "This account is disabled. Ask an admin."),
                _ => Lang.T("ユーザー名またはパスワードが違います。", "Wrong user name or password."),
            };
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await AuditLog.AppendAsync(connection, null, now, "web:" + user.Name, AuditActions.SignIn, null, $"from {client}", HttpContext.RequestAborted);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionValidator.PrincipalFor(user));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
