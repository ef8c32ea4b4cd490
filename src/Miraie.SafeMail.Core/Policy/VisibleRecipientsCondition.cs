namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// BCC漏れ: external addresses that every recipient can see (the To and Cc headers, not Bcc or the envelope). Holds when
/// every limit set here is exceeded; a condition with none set never holds (the validator refuses it).
/// </summary>
public sealed class VisibleRecipientsCondition
{
    /// <summary>More than this many distinct external addresses in To/Cc.</summary>
    public int? ExternalMoreThan { get; set; }

    /// <summary>The external addresses in To/Cc come from more than this many domains.</summary>
    public int? DomainsMoreThan { get; set; }
}
