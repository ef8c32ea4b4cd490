namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// How much password guessing the sign-in form lets through before it makes the guesser wait (ADR-011). Failures are
/// counted per client address, per account and address pair, per account from unrecognised browsers, and per recognised
/// browser; past a count's allowance every further attempt on it must wait <see cref="FirstWait"/>, doubling with each
/// failure up to <see cref="MaxWait"/>. A count is forgotten after <see cref="Forget"/> without failures. Fixed in the
/// product (not settings); the tests make them smaller.
/// </summary>
public sealed class SignInThrottleLimits
{
    /// <summary>Failures one client address may make on one account before it waits. Default 5: a user's own typos.</summary>
    public int PerPair { get; init; } = 5;

    /// <summary>Failures one client address may make over all names before it waits. Default 20.</summary>
    public int PerAddress { get; init; } = 20;

    /// <summary>
    /// Failures on one account, from every browser the account has not signed in with before, before those browsers wait.
    /// Default 50: well above what a user's own mistakes reach, low enough to stop guessing spread over many addresses.
    /// </summary>
    public int PerAccount { get; init; } = 50;

    /// <summary>Failures a recognised browser (one that signed in to the account before) may make before it waits. Default 5.</summary>
    public int PerDevice { get; init; } = 5;

    /// <summary>The first wait once an allowance is used up. Default 1 second.</summary>
    public TimeSpan FirstWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait. Default 15 minutes.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A count with no failure for this long starts again from zero. Default 1 hour.</summary>
    public TimeSpan Forget { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most counts kept in the database; past it the oldest are dropped at the next pruning (at most a minute later).
    /// Default 50,000 (a few MB).
    /// </summary>
    public int MaxEntries { get; init; } = 50_000;
}
