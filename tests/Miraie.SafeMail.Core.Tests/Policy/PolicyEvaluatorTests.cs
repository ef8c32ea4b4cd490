using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using static Miraie.SafeMail.Core.Tests.Policy.Reports;

namespace Miraie.SafeMail.Core.Tests.Policy;

public class PolicyEvaluatorTests
{
    private static readonly Envelope External = new("tanaka@example.co.jp", ["buyer@customer.example.com"]);
    private static readonly Envelope Internal = new("tanaka@example.co.jp", ["suzuki@example.co.jp", "sato@osaka.example.co.jp"]);
    private static readonly Envelope BccExternal = new("tanaka@example.co.jp", ["suzuki@example.co.jp", "someone@gmail.example"]);

    private readonly PolicyEvaluator _default = new(PolicyDefaults.Create("example.co.jp", "*.example.co.jp"));

    [Test]
    public void External_mail_with_a_plain_pdf_is_quarantined_naming_the_file()
    {
        var verdict = _default.Evaluate(With(Leaf("見積書.pdf", FileKind.Pdf, ProtectionStatus.NotProtected)), External);
        verdict.Action.Should().Be(PolicyAction.Quarantine);
        verdict.Rule.Should().Be("external-unprotected");
        verdict.Findings.Should().ContainSingle(f => f.Decisive).Which.Line.Ja.Should().StartWith("見積書.pdf: 暗号化されていません");
        verdict.ExternalRecipients.Should().Equal("buyer@customer.example.com");
    }

    [Test]
    public void Internal_mail_with_a_plain_pdf_passes_but_still_lists_the_finding()
    {
        var verdict = _default.Evaluate(With(Leaf("見積書.pdf", FileKind.Pdf, ProtectionStatus.NotProtected)), Internal);
        verdict.Action.Should().Be(PolicyAction.Pass);
        verdict.Rule.Should().Be("default-pass");
        verdict.Findings.Should().ContainSingle(f => f.Code == "not-encrypted" && !f.Decisive);
    }

    [Test]
    public void Bcc_to_one_external_recipient_makes_the_message_external()
    {
        var verdict = _default.Evaluate(With(Leaf("a.xlsx", FileKind.Ooxml, ProtectionStatus.NotProtected)), BccExternal);
        verdict.Action.Should().Be(PolicyAction.Quarantine);
        verdict.ExternalRecipients.Should().Equal("someone@gmail.example");
    }

    [Test]
    public void A_plain_file_inside_a_plain_zip_is_reported_by_its_path()
    {
        var zip = Container("見積.zip", FileKind.Zip, ProtectionStatus.NotProtected,
            Leaf("data/顧客.xlsx", FileKind.Ooxml, ProtectionStatus.NotProtected, parents: ["見積.zip"]));
        var verdict = _default.Evaluate(With(zip), External);
        verdict.Findings.Single(f => f.Decisive).Line.Ja.Should().StartWith("見積.zip › data/顧客.xlsx: 暗号化されていません");
        verdict.Findings.Single(f => f.Decisive).Line.En.Should().StartWith("見積.zip › data/顧客.xlsx: not encrypted");
    }

    [Test]
    public void A_document_carrying_protected_files_is_itself_unprotected()
    {
        // A .docx with an AES zip embedded: the zip is protected, the document's own text is not.
        var docx = Container("見積.docx", FileKind.Ooxml, ProtectionStatus.NotProtected,
            Leaf("word/embeddings/oleObject1.bin", FileKind.Cfb, ProtectionStatus.Protected, parents: ["見積.docx"])) with { HoldsOwnContent = true };
        var verdict = _default.Evaluate(With(docx), External);
        verdict.Rule.Should().Be("external-unprotected");
        verdict.Findings.Single(f => f.Decisive).Path.Should().Be("見積.docx");
    }

    [Test]
    public void Protected_content_to_external_recipients_passes()
    {
        var zip = Container("見積.zip", FileKind.Zip, ProtectionStatus.Protected,
            Leaf("見積書.pdf", FileKind.Unknown, ProtectionStatus.Protected, parents: ["見積.zip"]));
        _default.Evaluate(With(zip, Leaf("a.pdf", FileKind.Pdf, ProtectionStatus.Protected)), External).Action.Should().Be(PolicyAction.Pass);
    }

    [Test]
    public void Disguised_and_executable_content_is_quarantined_even_internally_disguise_first()
    {
        var disguised = _default.Evaluate(With(Leaf("請求書.pdf", FileKind.Executable, ProtectionStatus.NotProtected)), Internal);
        disguised.Action.Should().Be(PolicyAction.Quarantine);
        disguised.Rule.Should().Be("disguised");
        disguised.Findings.Select(f => f.Code).Should().Contain(["disguised", "executable", "not-encrypted"]);

        var plainExe = _default.Evaluate(With(Leaf("tool.exe", FileKind.Executable, ProtectionStatus.NotProtected)), Internal);
        plainExe.Rule.Should().Be("executable");
    }

    [Test]
    public void A_disguised_name_inside_an_encrypted_zip_is_still_caught()
    {
        var zip = Container("書類.zip", FileKind.Zip, ProtectionStatus.Protected,
            Leaf("見積書.pdf.exe", FileKind.Unknown, ProtectionStatus.Protected, parents: ["書類.zip"]));
        _default.Evaluate(With(zip), External).Rule.Should().Be("disguised");
    }

    [Test]
    public void Unknown_content_is_quarantined_for_external_mail_with_its_reason()
    {
        var verdict = _default.Evaluate(With(Leaf("bomb.zip", FileKind.Zip, ProtectionStatus.Unknown, UnknownReason.LimitRatio)), External);
        verdict.Rule.Should().Be("external-unknown");
        verdict.Findings.Should().ContainSingle(f => f.Decisive && f.Code == "unknown");
    }

    [Test]
    public void A_broken_message_structure_counts_as_unknown_content()
    {
        var report = new InspectionReport
        {
            Attachments = [],
            Excluded = [],
            Problems = [new InspectionProblem("mime-incomplete", InspectionTexts.MimeIncomplete)],
            MessageSize = 100,
        };
        _default.Evaluate(report, External).Rule.Should().Be("external-unknown");
        _default.Evaluate(report, Internal).Rule.Should().Be("default-pass");
    }

    [Test]
    public void Allowed_kinds_may_leave_unprotected_but_unknown_never()
    {
        var policy = PolicyDefaults.Create("example.co.jp");
        policy.AllowedUnprotectedKinds = ["image"];
        var evaluator = new PolicyEvaluator(policy);
        evaluator.Evaluate(With(Leaf("photo.jpg", FileKind.Image, ProtectionStatus.NotProtected)), External).Action.Should().Be(PolicyAction.Pass);
        evaluator.Evaluate(With(Leaf("photo.jpg", FileKind.Image, ProtectionStatus.NotProtected), Leaf("x.bin", FileKind.Unknown, ProtectionStatus.Unknown, UnknownReason.Unrecognised)), External)
            .Rule.Should().Be("external-unknown");
    }

    [Test]
    public void Oversized_message_is_rejected_with_a_size_reason()
    {
        var report = With();
        var big = new InspectionReport { Attachments = [], Excluded = [], Problems = [], MessageSize = PolicyDefaults.MaxMessageBytes + 1 };
        _default.Evaluate(report, External).Action.Should().Be(PolicyAction.Pass);
        var verdict = _default.Evaluate(big, External);
        verdict.Action.Should().Be(PolicyAction.Reject);
        verdict.Findings.Should().ContainSingle(f => f.Code == "too-large" && f.Decisive);
    }

    [Test]
    public void First_matching_rule_wins_and_conditions_combine()
    {
        var policy = new PolicyOptions
        {
            InternalDomains = ["example.co.jp"],
            Rules =
            [
                new PolicyRule
                {
                    Name = "confirmed-pdf-to-partner",
                    Action = PolicyAction.Pass,
                    When = new RuleConditions
                    {
                        RecipientDomains = ["partner.example"],
                        Senders = ["example.co.jp"],
                        Confirmation = ConfirmationRequirement.Valid,
                        Attachment = new AttachmentCondition { Kinds = ["pdf"], Unprotected = true },
                    },
                },
                new PolicyRule { Name = "hold-unprotected", Action = PolicyAction.Quarantine, When = new RuleConditions { Attachment = new AttachmentCondition { Unprotected = true } } },
                new PolicyRule { Name = "rest", Action = PolicyAction.Pass },
            ],
        };
        var evaluator = new PolicyEvaluator(policy);
        var pdf = With(Leaf("a.pdf", FileKind.Pdf, ProtectionStatus.NotProtected));
        var toPartner = new Envelope("tanaka@example.co.jp", ["x@partner.example"]);

        evaluator.Evaluate(pdf, toPartner, ConfirmationStatus.Valid).Rule.Should().Be("confirmed-pdf-to-partner");
        evaluator.Evaluate(pdf, toPartner, ConfirmationStatus.RecipientsMismatch).Rule.Should().Be("hold-unprotected");
        evaluator.Evaluate(pdf, toPartner with { Sender = "x@other.example" }, ConfirmationStatus.Valid).Rule.Should().Be("hold-unprotected");
        evaluator.Evaluate(With(Leaf("a.xlsx", FileKind.Ooxml, ProtectionStatus.NotProtected)), toPartner, ConfirmationStatus.Valid).Rule.Should().Be("hold-unprotected");
        evaluator.Evaluate(With(), toPartner, ConfirmationStatus.Valid).Rule.Should().Be("rest");
    }

    [Test]
    public void A_policy_whose_last_rule_has_conditions_is_refused()
    {
        var policy = new PolicyOptions { Rules = [new PolicyRule { Name = "x", When = new RuleConditions { Recipients = RecipientScope.AnyExternal } }] };
        var build = () => new PolicyEvaluator(policy);
        build.Should().Throw<ArgumentException>();
    }

    [Test]
    public void A_recipient_without_a_domain_counts_as_external()
    {
        _default.Evaluate(With(Leaf("a.pdf", FileKind.Pdf, ProtectionStatus.NotProtected)), new Envelope("a@example.co.jp", ["postmaster"]))
            .Action.Should().Be(PolicyAction.Quarantine);
    }
}
