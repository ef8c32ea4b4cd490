using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// The device cookie (OWASP's defence against online guessing that does not lock users out): after a successful sign-in
/// the browser keeps a cookie, protected by the console's data-protection keys, naming the account and a random browser
/// id. A browser presenting it for the account it names is "recognised": guessing from other browsers never makes it
/// wait (<see cref="SignInThrottle"/>). It grants nothing by itself — the password is still checked.
/// </summary>
public sealed class SignInDevices(IDataProtectionProvider protection, ConsoleOptions options)
{
    /// <summary>The cookie's name; sent only to the sign-in page.</summary>
    public const string CookieName = "safemail-device";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    private readonly IDataProtector _protector = protection.CreateProtector("Miraie.SafeMail.Web.SignInDevice");

    /// <summary>The browser's id when its cookie names <paramref name="account"/>; otherwise null.</summary>
    public string? Recognise(HttpRequest request, string account)
    {
        var (name, id) = Read(request);
        return name == account ? id : null;
    }

    /// <summary>Remembers that this browser signed in to <paramref name="account"/> (keeping its id when it has one).</summary>
    public void Remember(HttpContext context, string account)
    {
        var id = Read(context.Request).Id ?? RandomNumberGenerator.GetHexString(24, lowercase: true);
        context.Response.Cookies.Append(CookieName, _protector.Protect(account + "\n" + id), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = options.SecureCookie || context.Request.IsHttps,
            Path = "/login",
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }

    private (string? Name, string? Id) Read(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var value) || value.Length > 2048)
        {
            return (null, null);
        }

        try
        {
            var text = _protector.Unprotect(value);
            var newline = text.LastIndexOf('\n');
            return newline > 0 ? (text[..newline], text[(newline + 1)..]) : (null, null);
        }
        catch (CryptographicException)
        {
            return (null, null); // made up, or protected with a key that is gone: an unrecognised browser
        }
    }
}
