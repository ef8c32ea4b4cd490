namespace Miraie.SafeMail.Web.Accounts;

/// <summary>The longest input the sign-in form takes; anything longer is refused before it is looked at, echoed or audited.</summary>
public static class SignInLimits
{
    /// <summary>The longest user name (local account names are at most 64 characters; Entra ID names at most 254).</summary>
    public const int MaxNameLength = 256;

    /// <summary>The longest password.</summary>
    public const int MaxPasswordLength = 1024;
}
