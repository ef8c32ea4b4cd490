namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// One sign-in attempt as <see cref="SignInThrottle"/> answered it: allowed (counted as a failure until
/// <see cref="SignInThrottle.SucceededAsync"/> says otherwise), or refused with how long to wait.
/// </summary>
public sealed class SignInAttempt
{
    private SignInAttempt(bool allowed, TimeSpan wait, string? waitingOn, bool firstRefusal, IReadOnlyList<string> keys)
    {
        Allowed = allowed;
        Wait = wait;
        WaitingOn = waitingOn;
        FirstRefusal = firstRefusal;
        Keys = keys;
    }

    /// <summary>True when the password may be checked.</summary>
    public bool Allowed { get; }

    /// <summary>How long the client must wait before its next attempt (zero when allowed).</summary>
    public TimeSpan Wait { get; }

    /// <summary>Which count made it wait: <c>address</c>, <c>account</c>, <c>pair</c> or <c>browser</c> (for the audit log).</summary>
    public string? WaitingOn { get; }

    /// <summary>True for the first refusal since that count's last failure: audited once, not per refused attempt.</summary>
    public bool FirstRefusal { get; }

    /// <summary>The counts this attempt was charged to.</summary>
    internal IReadOnlyList<string> Keys { get; }

    internal static SignInAttempt Allow(IReadOnlyList<string> keys) => new(true, TimeSpan.Zero, null, false, keys);

    internal static SignInAttempt Refuse(TimeSpan wait, string waitingOn, bool firstRefusal) => new(false, wait, waitingOn, firstRefusal, []);
}
