using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.Pages;

/// <summary>
/// Sign-in with a local account or, when configured, with Microsoft Entra ID. Guessing is slowed down by
/// <see cref="SignInThrottle"/> (waiting, never locking), names that do not exist get exactly the answers existing ones
/// get, and input longer than <see cref="SignInLimits"/> is refused before it is looked at, echoed or audited (ADR-011).
/// </summary>
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(ValueLengthLimit = MaxRequestBytes, KeyLengthLimit = 256, ValueCountLimit = 16)]
public sealed class LoginModel(SafeMailDatabase database, TimeProvider time, ConsoleOptions options, SignInThrottle throttle, SignInDevices devices)
    : ConsolePageModel(database)
{
    // The form holds a name, a password, a return address and a token: far less than this. More is refused unread.
    private const int MaxRequestBytes = 64 * 1024;

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
        var password = Password ?? "";
        if (name.Length > SignInLimits.MaxNameLength || password.Length > SignInLimits.MaxPasswordLength)
        {
            // Never echoed, never audited: the refusal says only what the limits are.
            Name = null;
            Problem = Lang.T($"ユーザー名は{SignInLimits.MaxNameLength}文字以内、パスワードは{SignInLimits.MaxPasswordLength}文字以内で入力してください。",
                $"A user name has at most {SignInLimits.MaxNameLength} characters and a password at most {SignInLimits.MaxPasswordLength}.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (name.Length == 0)
        {
            return Refused(StatusCodes.Status401Unauthorized, WrongNameOrPassword);
        }

        await using var connection = await OpenAsync();
        var client = HttpContext.Connection.RemoteIpAddress;
        var attempt = await throttle.BeginAsync(connection, name, client, devices.Recognise(Request, name), HttpContext.RequestAborted);
        var now = time.GetUtcNow();
        if (!attempt.Allowed)
        {
            if (attempt.FirstRefusal)
            {
                await AuditLog.AppendAsync(connection, null, now, "web:" + name, AuditActions.SignInFailed, null,
                    $"waiting ({attempt.WaitingOn}, {Math.Ceiling(attempt.Wait.TotalSeconds)} s) from {client?.ToString() ?? "?"}", HttpContext.RequestAborted);
            }

            Response.Headers.RetryAfter = Math.Ceiling(attempt.Wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Refused(StatusCodes.Status429TooManyRequests, Lang.T(
                $"サインインの失敗が続いたため、{Duration(attempt.Wait, true)}お待ちください。お急ぎの場合は管理者にご連絡ください。",
                $"Too many failed sign-ins: wait {Duration(attempt.Wait, false)} and try again, or ask an admin."));
        }

        var result = await ConsoleUsers.SignInAsync(connection, name, password, now, HttpContext.RequestAborted);
        if (result.User is not { } user)
        {
            // The count and its audit entry in one transaction: the same writes whether or not the name exists.
            await using (var transaction = await connection.BeginTransactionAsync(HttpContext.RequestAborted))
            {
                await ConsoleUsers.RecordFailureAsync(connection, transaction, name, HttpContext.RequestAborted);
                await AuditLog.AppendAsync(connection, transaction, now, "web:" + name, AuditActions.SignInFailed, null,
                    $"{result.Outcome} from {client?.ToString() ?? "?"}", HttpContext.RequestAborted);
                await transaction.CommitAsync(HttpContext.RequestAborted);
            }

            // "Disabled" only for the right password: anyone else learns nothing about the account.
            return result.Outcome == SignInOutcome.Disabled
                ? Refused(StatusCodes.Status401Unauthorized, Lang.T("このアカウントは無効になっています。管理者にご連絡ください。", "This account is disabled. Ask an admin."))
                : Refused(StatusCodes.Status401Unauthorized, WrongNameOrPassword);
        }

        await throttle.SucceededAsync(connection, attempt, HttpContext.RequestAborted);
        devices.Remember(HttpContext, user.Name);
        await AuditLog.AppendAsync(connection, null, now, "web:" + user.Name, AuditActions.SignIn, null, $"from {client?.ToString() ?? "?"}", HttpContext.RequestAborted);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionValidator.PrincipalFor(user));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    private static string WrongNameOrPassword => Lang.T("ユーザー名またはパスワードが違います。", "Wrong user name or password.");

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Refused(int status, string problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }

    // Rounded up: whole seconds under a minute, whole minutes above.
    private static string Duration(TimeSpan wait, bool japanese)
    {
        if (wait < TimeSpan.FromMinutes(1))
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            return japanese ? $"{seconds}秒" : $"{seconds} second{(seconds == 1 ? "" : "s")}";
        }

        var minutes = (int)Math.Ceiling(wait.TotalMinutes);
        return japanese ? $"{minutes}分" : $"{minutes} minute{(minutes == 1 ? "" : "s")}";
    }
}
