using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MimeKit;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>
/// Body items must prove what they claim (issue 12): a part that only says it is a signature, a control part or a report
/// is inspected as an attachment; unwrapping opaque signatures is bounded; what is excluded is reported with where it sits.
/// The ordinary cases are corpus messages (tests/corpus/make-mail-security.sh).
/// </summary>
public class BodyItemTests
{
    private static readonly MessageInspector Inspector = new(new InspectionLimits());

    // MimeKit resolves charsets once: the code pages (ISO-2022-JP …) must be registered before it first runs, or every
    // later test in this process reads Japanese names as escape sequences. The inspector registers them; so does this.
    static BodyItemTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string Corpus(string relative) => Path.Combine(TestPaths.CorpusOutput, relative);

    private static async Task<InspectionReport> InspectAsync(MimeEntity body, MessageInspector? inspector = null)
    {
        var message = new MimeMessage([MailboxAddress.Parse("tanaka@example.co.jp")], [MailboxAddress.Parse("buyer@customer.example.com")], "テスト", body);
        using var bytes = new MemoryStream();
        await message.WriteToAsync(bytes);
        return await (inspector ?? Inspector).InspectAsync(bytes.ToArray());
    }

    private static MimePart Part(string type, byte[] content, string? fileName = null)
    {
        var part = new MimePart(ContentType.Parse(type)) { Content = new MimeContent(new MemoryStream(content)), ContentTransferEncoding = ContentEncoding.Base64 };
        if (fileName is not null)
        {
            part.FileName = fileName;
        }

        return part;
    }

    private static Multipart Encrypted(MimeEntity control)
    {
        var encrypted = new Multipart("encrypted");
        encrypted.ContentType.Parameters["protocol"] = "application/pgp-encrypted";
        encrypted.Add(control);
        encrypted.Add(Part("application/octet-stream", File.ReadAllBytes(Corpus("files/openpgp/two-recipients.asc")), "encrypted.asc"));
        return encrypted;
    }

    private static Multipart Report(params MimeEntity[] parts)
    {
        var report = new Multipart("report");
        report.ContentType.Parameters["report-type"] = "delivery-status";
        report.Add(new TextPart("plain") { Text = "配信できませんでした。" });
        foreach (var part in parts)
        {
            report.Add(part);
        }

        return report;
    }

    [Test]
    public async Task A_PGP_MIME_control_part_that_says_more_than_Version_1_is_an_attachment()
    {
        var report = await InspectAsync(Encrypted(Part("application/pgp-encrypted", "Version: 1\r\nPassword: himitsu\r\n"u8.ToArray())));
        report.Excluded.Should().NotContain(e => e.Why == ExclusionReason.EncryptionControl);
        report.Attachments.Should().Contain(a => a.Kind == FileKind.Text && a.Protection == ProtectionStatus.NotProtected);
        report.Attachments.Should().Contain(a => a.Name == "encrypted.asc" && a.Kind == FileKind.OpenPgp && a.Protection == ProtectionStatus.Protected);
    }

    [Test]
    public async Task A_control_part_outside_multipart_encrypted_is_an_attachment()
    {
        var mixed = new Multipart("mixed") { new TextPart("plain") { Text = "本文" }, Part("application/pgp-encrypted", "Version: 1\r\n"u8.ToArray()) };
        var report = await InspectAsync(mixed);
        report.Excluded.Should().BeEmpty();
        report.Attachments.Should().ContainSingle().Which.Protection.Should().Be(ProtectionStatus.NotProtected);
    }

    [Test]
    public async Task A_delivery_status_over_the_body_item_size_is_an_attachment()
    {
        var fields = new StringBuilder("Reporting-MTA: dns; mail.example.co.jp\r\n\r\nFinal-Recipient: rfc822; a@example.co.jp\r\nAction: failed\r\nStatus: 5.1.1\r\n");
        while (fields.Length <= BodyItemProof.MaxBytes)
        {
            fields.Append("X-Padding: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
        }

        var report = await InspectAsync(Report(Part("message/delivery-status", Encoding.ASCII.GetBytes(fields.ToString()))));
        report.Excluded.Should().BeEmpty("a real delivery status is a few hundred bytes");
        report.Attachments.Should().ContainSingle().Which.Kind.Should().Be(FileKind.Text);
    }

    [Test]
    public async Task A_whole_message_declared_as_returned_headers_is_inspected_like_an_attached_message()
    {
        var returned = await File.ReadAllBytesAsync(Path.Combine(TestPaths.CorpusOutput, "messages", "ext-plain-pdf.eml"));
        var headers = new MimePart("text", "rfc822-headers") { Content = new MimeContent(new MemoryStream(returned)), ContentTransferEncoding = ContentEncoding.EightBit };
        var report = await InspectAsync(Report(headers));
        report.Excluded.Should().BeEmpty("headers followed by a body are not just headers");
        var message = report.Attachments.Should().ContainSingle().Subject;
        message.Kind.Should().Be(FileKind.Message);
        message.Protection.Should().Be(ProtectionStatus.NotProtected);
        message.Children.Should().Contain(c => c.Name == "見積書.pdf");
    }

    [Test]
    public async Task A_signature_part_that_carries_content_is_inspected_not_excluded()
    {
        // An opaque-signed PDF declared as a detached signature: anyone can read the PDF inside.
        var report = await InspectAsync(new Multipart("mixed")
        {
            new TextPart("plain") { Text = "本文" },
            Part("application/pkcs7-signature", File.ReadAllBytes(Corpus("files/smime/申請書.pdf.p7m")), "smime.p7s"),
        });
        report.Excluded.Should().BeEmpty();
        var node = report.Attachments.Should().ContainSingle().Subject;
        node.Kind.Should().Be(FileKind.Smime);
        node.Protection.Should().Be(ProtectionStatus.NotProtected);
        node.Children.Should().ContainSingle().Which.Kind.Should().Be(FileKind.Pdf);
    }

    [Test]
    public async Task Opaque_signatures_nested_past_the_depth_limit_end_as_unknown()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=tanaka", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        MimeEntity entity = Part("application/pdf", File.ReadAllBytes(Corpus("files/pdf/plain.pdf")), "見積書.pdf");
        for (var level = 0; level < 6; level++)
        {
            using var bytes = new MemoryStream();
            await entity.WriteToAsync(bytes);
            var signed = new SignedCms(new ContentInfo(bytes.ToArray()), detached: false);
            signed.ComputeSignature(new CmsSigner(certificate));
            var part = Part("application/pkcs7-mime; smime-type=signed-data", signed.Encode(), "smime.p7m");
            entity = part;
        }

        var report = await InspectAsync(entity, new MessageInspector(new InspectionLimits { MaxDepth = 3 }));
        report.Excluded.Should().HaveCount(3).And.OnlyContain(e => e.Why == ExclusionReason.Signature && e.Name == "smime.p7m");
        report.Attachments.Should().ContainSingle().Which.UnknownReason.Should().Be(UnknownReason.LimitDepth);
    }

    [Test]
    public async Task Attachments_inside_an_opaque_signature_are_top_level_with_the_hash_the_add_in_confirms()
    {
        await using var stream = File.OpenRead(Corpus("messages/ext-smime-opaque-signed-aes-zip.eml"));
        var report = await Inspector.InspectAsync(stream);
        var zip = report.Attachments.Should().ContainSingle().Subject;
        zip.PathSegments.Should().Equal("見積書.zip");
        zip.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Corpus("files/zip/utf8-flag-names-aes256.zip")))));
    }

    [Test]
    public async Task The_report_json_names_each_body_item_where_it_sits_in_both_languages()
    {
        await using var stream = File.OpenRead(Corpus("messages/ext-tnef-inline-image-and-aes-zip.eml"));
        var json = ReportJson.Serialize(await Inspector.InspectAsync(stream));
        json.Should().Contain("\"name\": \"image001.png\"").And.Contain("\"why\": \"inline-image\"").And.Contain("\"within\": \"winmail.dat\"")
            .And.Contain("本文中のインライン画像").And.Contain("inline image referenced from the HTML body");
    }
}
