namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// Holds when some attachment node (a top-level attachment or anything inside one) has every property set here.
/// Unset properties do not matter; a condition with nothing set matches any message with an attachment.
/// </summary>
public sealed class AttachmentCondition
{
    /// <summary>Readable without a password, and not of a kind the policy allows unprotected.</summary>
    public bool Unprotected { get; set; }

    /// <summary>Could not be identified or fully inspected (including a broken message structure).</summary>
    public bool Unknown { get; set; }

    /// <summary>The name lies about the content.</summary>
    public bool Disguised { get; set; }

    /// <summary>Of one of these kinds (<c>pdf</c>, <c>executable</c> …).</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>Larger than this many bytes (decoded).</summary>
    public long? LargerThanBytes { get; set; }
}
