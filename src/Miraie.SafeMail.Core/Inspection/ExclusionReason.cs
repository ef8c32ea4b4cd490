namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Why a MIME leaf counts as body, not attachment (PRODUCT.md, "Attachment").</summary>
public enum ExclusionReason
{
    /// <summary>An inline image the HTML body references by <c>cid:</c>.</summary>
    InlineImage,
    /// <summary>The calendar data of a meeting request (text/calendar, or its <c>invite.ics</c> copy).</summary>
    Calendar,
    /// <summary>
    /// A signature: an S/MIME detached signature (CMS SignedData without content), an OpenPGP signature, or the wrapper of
    /// an S/MIME opaque-signed part whose content was unwrapped and inspected in its place.
    /// </summary>
    Signature,
    /// <summary>The PGP/MIME control part (<c>application/pgp-encrypted</c>, "Version: 1") of multipart/encrypted.</summary>
    EncryptionControl,
    /// <summary>A machine-readable part of a multipart/report: delivery status, disposition notification, feedback report, returned headers.</summary>
    Report,
}
