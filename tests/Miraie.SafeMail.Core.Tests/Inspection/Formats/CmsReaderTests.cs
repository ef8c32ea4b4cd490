using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Miraie.SafeMail.Core.Inspection.Formats;

namespace Miraie.SafeMail.Core.Tests.Inspection.Formats;

/// <summary>
/// The CMS structures S/MIME uses, built with .NET's own CMS classes (the corpus has openssl's), and AuthEnvelopedData
/// variants that must not pass: the reader confirms a structure, it never trusts a content type.
/// </summary>
public class CmsReaderTests
{
    private static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=tanaka@example.co.jp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    });

    private const string AesGcm256 = "2.16.840.1.101.3.4.1.46";

    [Test]
    public void An_envelope_names_its_cipher_and_recipients()
    {
        var envelope = new EnvelopedCms(new ContentInfo("見積書"u8.ToArray()), new AlgorithmIdentifier(new Oid("2.16.840.1.101.3.4.1.42")));
        envelope.Encrypt(new CmsRecipient(Certificate.Value));
        CmsReader.Read(envelope.Encode()).Should().BeEquivalentTo(new { Type = CmsType.Enveloped, Algorithm = "aes-256-cbc", Count = 1 });
    }

    [Test]
    public void A_detached_signature_has_no_content_and_an_opaque_one_carries_it()
    {
        var content = "Content-Type: text/plain\r\n\r\nhello\r\n"u8.ToArray();
        foreach (var detached in new[] { true, false })
        {
            var signed = new SignedCms(new ContentInfo(content), detached);
            signed.ComputeSignature(new CmsSigner(Certificate.Value));
            var read = CmsReader.Read(signed.Encode())!;
            read.Type.Should().Be(CmsType.Signed);
            read.Count.Should().Be(1);
            read.Content.ToArray().Should().Equal(detached ? [] : content);
        }
    }

    [Test]
    public void AuthEnvelopedData_is_read_field_by_field()
    {
        var read = CmsReader.Read(AuthEnveloped());
        read.Should().BeEquivalentTo(new { Type = CmsType.AuthEnveloped, Algorithm = "aes-256-gcm", Count = 1 });
    }

    private static IEnumerable<TestCaseData> BrokenAuthEnveloped()
    {
        yield return new TestCaseData(AuthEnveloped(version: 1)).SetName("AuthEnvelopedData of version 1");
        yield return new TestCaseData(AuthEnveloped(recipients: 0)).SetName("AuthEnvelopedData without recipients");
        yield return new TestCaseData(AuthEnveloped(mac: false)).SetName("AuthEnvelopedData without its MAC");
        yield return new TestCaseData(AuthEnveloped(trailing: true)).SetName("AuthEnvelopedData with a field after the last one");
        yield return new TestCaseData(AuthEnveloped()[..^5]).SetName("AuthEnvelopedData cut short");
    }

    [TestCaseSource(nameof(BrokenAuthEnveloped))]
    public void A_malformed_AuthEnvelopedData_does_not_parse(byte[] encoded)
    {
        CmsReader.ContentTypeOf(encoded).Should().Be("1.2.840.113549.1.9.16.1.23", "it still names the type in its first bytes");
        CmsReader.Read(encoded).Should().BeNull();
    }

    [Test]
    public void Bytes_that_are_not_a_ContentInfo_name_no_type()
    {
        CmsReader.ContentTypeOf([0x30, 0x03, 0x02, 0x01, 0x00]).Should().BeNull("a SEQUENCE holding an INTEGER");
        CmsReader.ContentTypeOf("PK\x03\x04"u8).Should().BeNull();
        CmsReader.ContentTypeOf([0x30, 0x85, 0, 0, 0, 0, 0x06, 0x09]).Should().BeNull("a five-octet length is not a CMS object's");
        CmsReader.Read(RandomNumberGenerator.GetBytes(2000)).Should().BeNull();
    }

    /// <summary>RFC 5083 AuthEnvelopedData with one (dummy) key-transport recipient, AES-256-GCM, as openssl writes its fields.</summary>
    private static byte[] AuthEnveloped(int version = 0, int recipients = 1, bool mac = true, bool trailing = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.9.16.1.23");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(version);
                using (writer.PushSetOf())
                {
                    for (var i = 0; i < recipients; i++)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteInteger(2);
                            writer.WriteOctetString(new byte[20], new Asn1Tag(TagClass.ContextSpecific, 0));
                            using (writer.PushSequence())
                            {
                                writer.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                            }

                            writer.WriteOctetString(new byte[256]);
                        }
                    }
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(AesGcm256);
                        using (writer.PushSequence())
                        {
                            writer.WriteOctetString(new byte[12]);
                            writer.WriteInteger(16);
                        }
                    }

                    writer.WriteOctetString(new byte[64], new Asn1Tag(TagClass.ContextSpecific, 0));
                }

                if (mac)
                {
                    writer.WriteOctetString(new byte[16]);
                }

                if (trailing)
                {
                    writer.WriteInteger(7);
                }
            }
        }

        return writer.Encode();
    }
}
