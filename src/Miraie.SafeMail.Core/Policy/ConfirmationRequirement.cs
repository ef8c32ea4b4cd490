namespace Miraie.SafeMail.Core.Policy;

/// <summary>A condition on the Outlook add-in's confirmation stamp.</summary>
public enum ConfirmationRequirement
{
    /// <summary>The stamp is present and verifies for this sender, these recipients and these attachments.</summary>
    Valid,
    /// <summary>No valid stamp: absent, or present but not valid.</summary>
    NotValid,
    /// <summary>No stamp at all.</summary>
    Absent,
    /// <summary>A stamp is present but does not verify (tampered, expired, other recipients …).</summary>
    Invalid,
}
