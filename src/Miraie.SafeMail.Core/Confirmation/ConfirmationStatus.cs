namespace Miraie.SafeMail.Core.Confirmation;

/// <summary>The outcome of checking the add-in's confirmation stamp on a message.</summary>
public enum ConfirmationStatus
{
    /// <summary>The stamp verifies: signed with a configured key, in time, for this sender, these recipients and attachments.</summary>
    Valid,
    /// <summary>The message carries no stamp.</summary>
    Absent,
    /// <summary>A stamp is present but no key is configured to check it.</summary>
    NotChecked,
    /// <summary>The header is not in the stamp format.</summary>
    Malformed,
    /// <summary>Signed with a key id this installation does not have.</summary>
    UnknownKey,
    /// <summary>The signature does not match: the stamp was altered or forged.</summary>
    BadSignature,
    /// <summary>Older than the allowed age.</summary>
    Expired,
    /// <summary>Dated in the future beyond the allowed clock skew.</summary>
    NotYetValid,
    /// <summary>Confirmed by another sender than the envelope's.</summary>
    SenderMismatch,
    /// <summary>The envelope recipients are not the ones confirmed.</summary>
    RecipientsMismatch,
    /// <summary>The attachments are not the ones confirmed.</summary>
    AttachmentsMismatch,
}
