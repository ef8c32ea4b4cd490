namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>What a parsed CMS object is.</summary>
/// <param name="Type">The content type.</param>
/// <param name="Algorithm">The content-encryption algorithm of an envelope (<c>aes-256-cbc</c>), or the OID of an <see cref="CmsType.Other"/> type.</param>
/// <param name="Count">Recipients of an envelope, signers of a signature.</param>
/// <param name="Content">The signed content; empty for a detached signature (or an envelope).</param>
internal sealed record CmsObject(CmsType Type, string? Algorithm, int Count, ReadOnlyMemory<byte> Content);
