namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>What a console sign-in came to.</summary>
public enum SignInOutcome
{
    /// <summary>Signed in.</summary>
    Success,
    /// <summary>Wrong name or password (the page never says which; a disabled account with a wrong password is this too).</summary>
    Failed,
    /// <summary>The password was right but the account is disabled.</summary>
    Disabled,
}
