namespace Miraie.SafeMail.Gateway.Storage;

/// <summary>What a console sign-in came to.</summary>
public enum SignInOutcome
{
    /// <summary>Signed in.</summary>
    Success,
    /// <summary>Wrong name or password (the page never says which).</summary>
    Failed,
    /// <summary>Locked after too many failures.</summary>
    LockedOut,
    /// <summary>The account is disabled.</summary>
    Disabled,
}
