using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Reads the structure of a CMS object (S/MIME's application/pkcs7-mime and pkcs7-signature bodies) to confirm what it
/// claims: EnvelopedData and SignedData with <see cref="EnvelopedCms"/> / <see cref="SignedCms"/> <c>Decode</c>
/// (parse only — nothing is decrypted or verified), AuthEnvelopedData, which those classes do not know, with
/// <see cref="AsnReader"/> field by field. BER (indefinite lengths, as Thunderbird and <c>openssl cms -stream</c> write)
/// and DER are both read. Never throws for bad input.
/// </summary>
internal static class CmsReader
{
    private const string SignedData = "1.2.840.113549.1.7.2";
    private const string EnvelopedData = "1.2.840.113549.1.7.3";
    private const string AuthEnvelopedData = "1.2.840.113549.1.9.16.1.23";

    /// <summary>The content type named by the first bytes of a DER/BER ContentInfo, without reading further; null when they are not one.</summary>
    public static string? ContentTypeOf(ReadOnlySpan<byte> head)
    {
        // SEQUENCE, its length (short, long or indefinite), then the OBJECT IDENTIFIER of the content type.
        if (head.Length < 4 || head[0] != 0x30)
        {
            return null;
        }

        var lengthBytes = head[1] switch
        {
            < 0x80 or 0x80 => 0,
            >= 0x81 and <= 0x84 => head[1] - 0x80,
            _ => -1,
        };
        var at = 2 + lengthBytes;
        if (lengthBytes < 0 || head.Length < at + 2 || head[at] != 0x06 || head[at + 1] is < 9 or > 11 || head.Length < at + 2 + head[at + 1])
        {
            return null;
        }

        try
        {
            var oid = AsnDecoder.ReadObjectIdentifier(head.Slice(at, 2 + head[at + 1]), AsnEncodingRules.BER, out _);
            return oid.StartsWith("1.2.840.113549.1.7.", StringComparison.Ordinal) || oid.StartsWith("1.2.840.113549.1.9.16.1.", StringComparison.Ordinal)
                ? oid
                : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="head"/> starts a SignedData ContentInfo.</summary>
    public static bool IsSignedData(ReadOnlySpan<byte> head) => ContentTypeOf(head) == SignedData;

    /// <summary>Parses <paramref name="encoded"/>; null when it is not a well-formed CMS object of the type it names.</summary>
    public static CmsObject? Read(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            // ContentInfo.GetContentType refuses types .NET does not implement (AuthEnvelopedData), so the OID is read here.
            var type = new AsnReader(encoded, AsnEncodingRules.BER).ReadSequence().ReadObjectIdentifier();
            switch (type)
            {
                case EnvelopedData:
                    var enveloped = new EnvelopedCms();
                    enveloped.Decode(encoded.Span);
                    return new CmsObject(CmsType.Enveloped, AlgorithmName(enveloped.ContentEncryptionAlgorithm.Oid.Value), enveloped.RecipientInfos.Count, default);
                case AuthEnvelopedData:
                    return ReadAuthEnveloped(encoded);
                case SignedData:
                    // Decode leaves Detached false and the content empty when eContent is absent: either way nothing to read.
                    var signed = new SignedCms();
                    signed.Decode(encoded.Span);
                    return new CmsObject(CmsType.Signed, null, signed.SignerInfos.Count, signed.ContentInfo.Content);
                default:
                    return new CmsObject(CmsType.Other, type, 0, default);
            }
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>RFC 5083 AuthEnvelopedData: version, [0] originatorInfo, recipientInfos, authEncryptedContentInfo, [1] authAttrs, mac, [2] unauthAttrs.</summary>
    private static CmsObject ReadAuthEnveloped(ReadOnlyMemory<byte> encoded)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.BER);
        var contentInfo = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        contentInfo.ReadObjectIdentifier();
        var explicitContent = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        contentInfo.ThrowIfNotEmpty();
        var data = explicitContent.ReadSequence();
        explicitContent.ThrowIfNotEmpty();

        if (!data.TryReadInt32(out var version) || version != 0)
        {
            throw new CryptographicException("AuthEnvelopedData version");
        }

        SkipIf(data, 0);
        var recipients = data.ReadSetOf();
        var count = 0;
        while (recipients.HasData)
        {
            recipients.ReadEncodedValue();
            count++;
        }

        var encryptedContentInfo = data.ReadSequence();
        encryptedContentInfo.ReadObjectIdentifier();
        var algorithm = encryptedContentInfo.ReadSequence();
        var algorithmOid = algorithm.ReadObjectIdentifier();
        SkipIf(encryptedContentInfo, 0);
        encryptedContentInfo.ThrowIfNotEmpty();
        SkipIf(data, 1);
        data.ReadOctetString(); // mac
        SkipIf(data, 2);
        data.ThrowIfNotEmpty();
        return count == 0
            ? throw new CryptographicException("AuthEnvelopedData without recipients")
            : new CmsObject(CmsType.AuthEnveloped, AlgorithmName(algorithmOid), count, default);
    }

    private static void SkipIf(AsnReader reader, int contextTag)
    {
        if (reader.HasData && reader.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, contextTag)))
        {
            reader.ReadEncodedValue();
        }
    }

    /// <summary>The content-encryption algorithms S/MIME clients use, by name; any other by its OID.</summary>
    private static string AlgorithmName(string? oid) => oid switch
    {
        "2.16.840.1.101.3.4.1.2" => "aes-128-cbc",
        "2.16.840.1.101.3.4.1.22" => "aes-192-cbc",
        "2.16.840.1.101.3.4.1.42" => "aes-256-cbc",
        "2.16.840.1.101.3.4.1.6" => "aes-128-gcm",
        "2.16.840.1.101.3.4.1.26" => "aes-192-gcm",
        "2.16.840.1.101.3.4.1.46" => "aes-256-gcm",
        "1.2.840.113549.3.7" => "3des-cbc",
        "1.2.840.113549.3.2" => "rc2-cbc",
        "1.3.14.3.2.7" => "des-cbc",
        _ => oid ?? "?",
    };
}
