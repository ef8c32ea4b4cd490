namespace Miraie.SafeMail.Core.Confirmation;

/// <summary>
/// Keys and time bounds for the add-in's confirmation stamp. Bound from <c>SafeMail:Confirmation</c>. Keys are
/// secrets: set them through environment variables or a secret store (<c>SafeMail__Confirmation__Keys__2026a</c>),
/// never in a file under version control.
/// </summary>
public sealed class ConfirmationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Confirmation";

    /// <summary>Signing keys by key id, each base64 of at least 32 random bytes. Several may exist during a rotation.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The key id new stamps are signed with.</summary>
    public string? CurrentKeyId { get; set; }

    /// <summary>How long a stamp stays valid after the sender confirmed (mail can wait in an Outbox). Default 24 hours.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far in the future a stamp may be dated, for clocks that disagree. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
