namespace Miraie.SafeMail.Core.Policy;

/// <summary>The conditions of a rule; all that are set must hold. A rule with none set matches every message.</summary>
public sealed class RuleConditions
{
    /// <summary>Which recipients must be external or internal.</summary>
    public RecipientScope? Recipients { get; set; }

    /// <summary>Some envelope recipient is in one of these domains (<c>*.example.com</c> for subdomains).</summary>
    public List<string> RecipientDomains { get; set; } = [];

    /// <summary>The envelope sender is one of these addresses, or in one of these domains.</summary>
    public List<string> Senders { get; set; } = [];

    /// <summary>Some attachment has these properties.</summary>
    public AttachmentCondition? Attachment { get; set; }

    /// <summary>The whole message is larger than this many bytes.</summary>
    public long? MessageLargerThanBytes { get; set; }

    /// <summary>The add-in's confirmation stamp is (or is not) valid.</summary>
    public ConfirmationRequirement? Confirmation { get; set; }

    /// <summary>Many external addresses visible to each other in To/Cc (BCC漏れ).</summary>
    public VisibleRecipientsCondition? VisibleRecipients { get; set; }

    /// <summary>True when no condition is set.</summary>
    public bool IsEmpty => Recipients is null && RecipientDomains.Count == 0 && Senders.Count == 0 && Attachment is null
        && MessageLargerThanBytes is null && Confirmation is null && VisibleRecipients is null;
}
