namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>One count of the console's sign-in throttle (ADR-011), as stored in <c>sign_in_counts</c>.</summary>
/// <param name="Key">What is counted: the kind, the account and the address or browser, one per line.</param>
/// <param name="Account">The account the count belongs to; null for a client address (counted over all names).</param>
/// <param name="Failures">Failures counted (an attempt is charged before its password is checked, refunded when it succeeds).</param>
/// <param name="Last">The last charged attempt.</param>
/// <param name="Reported">True once the wait it causes was audited (once per wait, not once per refused attempt).</param>
public sealed record SignInCount(string Key, string? Account, int Failures, DateTimeOffset Last, bool Reported);
