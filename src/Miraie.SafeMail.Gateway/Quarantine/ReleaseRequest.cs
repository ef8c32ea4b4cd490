namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// Who asks to release quarantined mail, with what authority, and why. Disguised or executable content is released only
/// with <paramref name="MayReleaseRisky"/> (an admin in the console; the <c>safemail</c> command, which runs as the
/// service user on the server) and a <paramref name="Reason"/>, which the audit log keeps.
/// </summary>
/// <param name="Actor">Who, as the audit log records it (<c>web:yamada</c>, <c>cli:yamada</c>).</param>
/// <param name="MayReleaseRisky">True for an admin (or the command line): may release disguised or executable content.</param>
/// <param name="Reason">Why, in the actor's words; required for disguised or executable content, at most <see cref="MaxReasonLength"/> characters.</param>
public sealed record ReleaseRequest(string Actor, bool MayReleaseRisky, string? Reason)
{
    /// <summary>The longest reason kept.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The reason trimmed, or null when none was given.</summary>
    public string? CleanReason => string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim();
}
