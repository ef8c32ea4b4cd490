using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Gateway.Audit;
using Miraie.SafeMail.Gateway.Storage;
using SignInResult = Miraie.SafeMail.Gateway.Storage.SignInResult;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>
/// Sign-in with a local account (five failures in a row lock the account for fifteen minutes) or, when configured, with
/// Microsoft Entra ID.
/// </summary>
public sealed class LoginModel(GatewayDatabase database, TimeProvider time, ConsoleOptions options) : ConsolePageModel(database)
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

    /// <summary>True when the "Sign in with Microsoft" button is shown (<c>SafeMail:Console:EntraId</c> is set).</summary>
    public bool EntraIdEnabled => options.EntraId is not null;

    /// <summary>Set after an Entra ID sign-in: the page only moves on to <see cref="ReturnUrl"/>.</summary>
    public bool SignedIn { get; private set; }

    /// <summary>Where to go now: <see cref="ReturnUrl"/> when it is a local path, else the dashboard.</summary>
    public string Next => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";

    /// <summary>Shows the form (with why an Entra ID sign-in failed, when it did).</summary>
    public void OnGet()
    {
        if (EntraIdEnabled && Request.Query["entra"] == "failed")
        {
            Problem = Lang.T("Microsoft でのサインインを完了できませんでした。もう一度お試しいただくか、管理者にご連絡ください。",
                "Signing in with Microsoft did not complete. Try again or ask an admin.");
        }
    }

    /// <summary>Starts the Entra ID sign-in (OpenID Connect): the browser is sent to Microsoft.</summary>
    public IActionResult OnPostEntra()
    {
        if (!EntraIdEnabled)
        {
            return NotFound();
        }

        // Back through OnGetSignedIn: the session cookie is SameSite=Strict, and a browser does not send it on the rest of a
        // redirect chain that began at Microsoft's site; the page after it starts a same-site navigation that does.
        return Challenge(new AuthenticationProperties { RedirectUri = Url.Page("/Login", "SignedIn", new { returnUrl = Next }) }, EntraSignIn.Scheme);
    }

    /// <summary>After an Entra ID sign-in: a page that moves on to <see cref="Next"/> by itself.</summary>
    public void OnGetSignedIn() => SignedIn = true;

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
