namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>The outcome of a console sign-in.</summary>
/// <param name="User">The account, when signed in.</param>
/// <param name="Outcome">What happened.</param>
public sealed record SignInResult(ConsoleUser? User, SignInOutcome Outcome)
{
    /// <summary>Wrong name or password.</summary>
    public static SignInResult Failed { get; } = new(null, SignInOutcome.Failed);

    /// <summary>The right password for a disabled account.</summary>
    public static SignInResult Disabled { get; } = new(null, SignInOutcome.Disabled);

    /// <summary>Signed in as <paramref name="user"/>.</summary>
    public static SignInResult Success(ConsoleUser user) => new(user, SignInOutcome.Success);
}
