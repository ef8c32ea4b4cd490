using MimeKit;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>
/// Files carried inside documents (issue 12): OLE Packages and embedded packages in OOXML and ODF, PDF attachments,
/// Outlook .msg attachments. The corpus expectations check one level; these check the items further down, and what
/// the shipping policy then decides for mail that carries such a document (tests/corpus/make-documents.sh makes them).
/// </summary>
public class DocumentItemsTests
{
    private static readonly MessageInspector Inspector = new(new InspectionLimits());
    private static readonly PolicyEvaluator Policy = new(PolicyDefaults.Create("example.co.jp"));

    private static string CorpusFile(string relative) => Path.Combine(TestPaths.CorpusOutput, "files", relative);

    private static async Task<AttachmentNode> InspectAsync(string relative, InspectionLimits? limits = null)
    {
        await using var stream = File.OpenRead(CorpusFile(relative));
        var inspector = limits is null ? Inspector : new MessageInspector(limits);
        return await inspector.InspectFileAsync(stream, Path.GetFileName(relative));
    }

    [TestCase("ooxml-embedded/package-exe.docx", "package-exe.docx › word/embeddings/oleObject1.bin › setup.exe", FileKind.Executable)]
    [TestCase("ooxml-embedded/package-exe-libreoffice.docx", "package-exe-libreoffice.docx › word/embeddings/oleObject1.bin › setup.exe", FileKind.Executable)]
    [TestCase("ooxml-embedded/package-aes-zip.docx", "package-aes-zip.docx › word/embeddings/oleObject1.bin › 見積書.zip", FileKind.Zip)]
    [TestCase("ooxml-embedded/package-ansi-name.docx", "package-ansi-name.docx › word/embeddings/oleObject1.bin › 見積書.pdf", FileKind.Pdf)]
    [TestCase("ooxml-embedded/quote-with-sheet.docx", "quote-with-sheet.docx › word/embeddings/oleObject1.xlsx", FileKind.Ooxml)]
    [TestCase("odf/package-exe.odt", "package-exe.odt › Obj100 › setup.exe", FileKind.Executable)]
    [TestCase("pdf-attached/pdf-in-pdf.pdf", "pdf-in-pdf.pdf › with-exe.pdf › setup.exe", FileKind.Executable)]
    [TestCase("pdf-attached/owner-only-with-exe.pdf", "owner-only-with-exe.pdf › setup.exe", FileKind.Executable)]
    [TestCase("msg/forwarded-item-xlsx.msg", "forwarded-item-xlsx.msg › 顧客一覧の件.msg › 顧客一覧.xlsx", FileKind.Ooxml)]
    [TestCase("msg/forwarded-item-aes-zip.msg", "forwarded-item-aes-zip.msg › 見積の件.msg › 見積書.zip", FileKind.Zip)]
    [TestCase("msg/rtf-ole-package-exe.msg", "rtf-ole-package-exe.msg › Package › setup.exe", FileKind.Executable)]
    public async Task Item_inside_a_document_is_found_with_its_path_and_kind(string file, string path, FileKind kind)
    {
        var node = await InspectAsync(file);

        var found = node.SelfAndDescendants.SingleOrDefault(n => n.Path == path);
        found.Should().NotBeNull($"{path} should be an item; got {CorpusFileTests.Describe(node)}");
        found!.Kind.Should().Be(kind);
    }

    [Test]
    public async Task Picture_the_html_body_of_a_msg_shows_is_body_and_not_an_item()
    {
        var shown = await InspectAsync("msg/inline-image-and-aes-zip.msg");
        var notShown = await InspectAsync("msg/unreferenced-image-and-aes-zip.msg");

        shown.Children.Select(c => c.Name).Should().Equal("見積書.zip");
        notShown.Children.Select(c => c.Name).Should().Equal("image001.png", "見積書.zip");
    }

    [Test]
    public async Task Document_carrying_only_protected_files_is_still_not_protected_by_its_own_content()
    {
        var node = await InspectAsync("ooxml-embedded/package-aes-zip.docx");

        node.Protection.Should().Be(ProtectionStatus.NotProtected);
        node.HoldsOwnContent.Should().BeTrue();
        node.Children.Should().ContainSingle().Which.Protection.Should().Be(ProtectionStatus.Protected);
    }

    [TestCase("ooxml-embedded/package-exe.docx", "package-exe.docx › word/embeddings/oleObject1.bin › setup.exe", "executable")]
    [TestCase("pdf-attached/with-exe.pdf", "with-exe.pdf › setup.exe", "executable")]
    [TestCase("pdf-attached/annotation-exe.pdf", "annotation-exe.pdf › セットアップ.exe", "executable")]
    [TestCase("msg/exe-named-pdf.msg", "exe-named-pdf.msg › 請求書.pdf", "disguised")]
    [TestCase("ooxml-embedded/package-exe-named-pdf.docx", "package-exe-named-pdf.docx › word/embeddings/oleObject1.bin › 請求書.pdf", "disguised")]
    public async Task Executable_inside_a_document_is_quarantined_in_internal_mail(string file, string path, string rule)
    {
        var report = await Inspector.InspectAsync(Message(file));
        var verdict = Policy.Evaluate(report, new Envelope("tanaka@example.co.jp", ["suzuki@example.co.jp"]));

        verdict.Action.Should().Be(PolicyAction.Quarantine);
        verdict.Rule.Should().Be(rule);
        verdict.Findings.Should().Contain(f => f.Decisive && f.Path == path);
    }

    [TestCase("odf/quote-encrypted.odt")]
    [TestCase("odf/customers-encrypted.ods")]
    [TestCase("odf/plan-encrypted.odp")]
    [TestCase("msg/aes-zip.msg")]
    [TestCase("msg/inline-image-and-aes-zip.msg")]
    [TestCase("msg/forwarded-item-aes-zip.msg")]
    public async Task Protected_document_or_item_passes_to_a_customer(string file)
    {
        var report = await Inspector.InspectAsync(Message(file));
        var verdict = Policy.Evaluate(report, new Envelope("tanaka@example.co.jp", ["buyer@customer.example.com"]));

        verdict.Action.Should().Be(PolicyAction.Pass, string.Join(" | ", verdict.Findings.Select(f => $"{f.Path}: {f.Line.En}")));
    }

    [TestCase("ooxml-embedded/package-aes-zip.docx", "package-aes-zip.docx")]
    [TestCase("pdf-attached/with-aes-zip.pdf", "with-aes-zip.pdf")]
    [TestCase("odf/encrypted-plus-plain-file.odt", "encrypted-plus-plain-file.odt")]
    public async Task Readable_document_is_unprotected_to_a_customer_whatever_it_carries(string file, string path)
    {
        var report = await Inspector.InspectAsync(Message(file));
        var verdict = Policy.Evaluate(report, new Envelope("tanaka@example.co.jp", ["buyer@customer.example.com"]));

        verdict.Rule.Should().Be("external-unprotected");
        verdict.Findings.Should().Contain(f => f.Decisive && f.Code == "not-encrypted" && f.Path == path);
    }

    [Test]
    public async Task Expansion_budget_stops_a_large_embedded_file()
    {
        var node = await InspectAsync("ooxml-embedded/package-exe.docx", new InspectionLimits { MaxExpandedBytes = 120 * 1024 });

        node.SelfAndDescendants.Should().Contain(n => n.UnknownReason == UnknownReason.LimitSize, CorpusFileTests.Describe(node));
        node.SelfAndDescendants.Should().NotContain(n => n.Kind == FileKind.Executable);
    }

    [Test]
    public async Task Attachment_count_limit_applies_to_a_msg()
    {
        var node = await InspectAsync("msg/unreferenced-image-and-aes-zip.msg", new InspectionLimits { MaxEntries = 1 });

        node.Protection.Should().Be(ProtectionStatus.Unknown);
        node.UnknownReason.Should().Be(UnknownReason.LimitEntries);
    }

    [TestCase("msg/forwarded-item-xlsx.msg")]
    [TestCase("pdf-attached/pdf-in-pdf.pdf")]
    [TestCase("ooxml-embedded/package-exe.docx")]
    public async Task Nesting_limit_applies_to_items_inside_documents(string file)
    {
        var node = await InspectAsync(file, new InspectionLimits { MaxDepth = 1 });

        node.SelfAndDescendants.Should().Contain(n => n.UnknownReason == UnknownReason.LimitDepth, CorpusFileTests.Describe(node));
    }

    /// <summary>A message from tanaka@example.co.jp carrying the corpus file as its one attachment.</summary>
    private static byte[] Message(string relative)
    {
        var body = new BodyBuilder { TextBody = "ご確認ください。" };
        body.Attachments.Add(Path.GetFileName(relative), File.ReadAllBytes(CorpusFile(relative)));
        var message = new MimeMessage { Subject = "資料の送付", Body = body.ToMessageBody() };
        message.From.Add(new MailboxAddress("田中 太郎", "tanaka@example.co.jp"));
        message.To.Add(new MailboxAddress("", "buyer@customer.example.com"));
        using var output = new MemoryStream();
        message.WriteTo(output);
        return output.ToArray();
    }
}
