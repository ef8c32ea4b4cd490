namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>The CMS (PKCS #7) content types S/MIME uses, as far as inspection cares.</summary>
internal enum CmsType
{
    /// <summary>EnvelopedData (RFC 5652 §6): encrypted to recipients' keys.</summary>
    Enveloped,
    /// <summary>AuthEnvelopedData (RFC 5083): encrypted with an authenticated cipher (AES-GCM).</summary>
    AuthEnveloped,
    /// <summary>SignedData (RFC 5652 §5): readable content with signatures, or signatures alone (detached).</summary>
    Signed,
    /// <summary>Another CMS type (data, digested, encrypted with a bare key, compressed …) that S/MIME mail does not use.</summary>
    Other,
}
