using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Quarantine;

public class QuarantineNoticeTests
{
    private const string Id = "Q20261127-0007";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 5, 6, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Sent = new(2026, 11, 27, 5, 5, 0, TimeSpan.Zero); // 14:05 JST

    private static readonly GatewayOptions Gateway = new() { ServerName = "gw1.example.co.jp" };
    private static readonly QuarantineOptions Options = new() { OperatorContact = "情報システム部 内線 1234 / it-help@example.co.jp" };

    private static readonly Finding PlainXlsx = new("not-encrypted", "見積.zip › data/顧客.xlsx", PolicyTexts.NotEncrypted(FileKind.Ooxml), Decisive: true);
    private static readonly Finding PlainPdf = new("not-encrypted", "見積書.pdf", PolicyTexts.NotEncrypted(FileKind.Pdf), Decisive: true);
    private static readonly Finding Unidentified = new("unknown", "古い資料.lzh", new LocalizedText("種類を判別できません（LZH）", "cannot be identified (LZH)"), Decisive: true);
    private static readonly Finding Executable = new("executable", "tool.exe", PolicyTexts.Executable, Decisive: true);
    private static readonly Finding NotDecisive = new("not-encrypted", "参考.txt", PolicyTexts.NotEncrypted(FileKind.Text), Decisive: false);

    private readonly QuarantineNotice _notices = new(Gateway, Options, new FakeTimeProvider(Now));

    private static QuarantinedMessage Quarantined(params Finding[] findings) => new()
    {
        QuarantineId = Id,
        Envelope = new Envelope("tanaka@example.co.jp", ["buyer@customer.example.com", "suzuki@example.co.jp", "Partner@Other.example.net"]),
        Verdict = new Verdict
        {
            Action = PolicyAction.Quarantine,
            Rule = "external-unprotected",
            Findings = findings.Length > 0 ? findings : [PlainXlsx, PlainPdf, NotDecisive],
            ExternalRecipients = ["buyer@customer.example.com", "partner@other.example.net"],
            Confirmation = ConfirmationStatus.Absent,
        },
        Subject = "見積書の送付（11月分）",
        SentAt = Sent,
    };

    private MimeMessage Notice(QuarantinedMessage message) =>
        Wire.RoundTrip(_notices.Create(message) ?? throw new AssertionException("no notice was made"));

    private static string Text(MimeMessage notice) => notice.Body.Should().BeOfType<TextPart>().Subject.Text;

    [Test]
    public void Notice_is_one_plain_text_part_with_no_attachment()
    {
        var notice = Notice(Quarantined());

        var body = notice.Body.Should().BeOfType<TextPart>().Subject;
        body.ContentType.MimeType.Should().Be("text/plain");
        body.ContentType.Charset.Should().Be("utf-8");
        body.ContentTransferEncoding.Should().Be(ContentEncoding.Base64);
        notice.BodyParts.Should().ContainSingle();
        notice.Attachments.Should().BeEmpty();
        notice.HtmlBody.Should().BeNull();
    }

    [Test]
    public void Notice_is_sendable_through_a_server_without_8bitmime()
    {
        Wire.ShouldBeSafeWithout8BitMime(Wire.Bytes(_notices.Create(Quarantined())!));
    }

    [Test]
    public void Every_decisive_finding_is_listed_in_both_languages_and_no_other()
    {
        var text = Text(Notice(Quarantined()));

        foreach (var finding in new[] { PlainXlsx, PlainPdf })
        {
            text.Should().Contain($"・{finding.Line.Ja}").And.Contain($"- {finding.Line.En}");
        }

        text.Should().Contain("見積.zip › data/顧客.xlsx: 暗号化されていません");
        text.Should().NotContain("参考.txt", "a finding that did not decide is not a reason for the quarantine");
    }

    [Test]
    public void Notice_names_the_message_its_recipients_and_the_quarantine_id_in_both_languages()
    {
        var text = Text(Notice(Quarantined()));

        text.Should().Contain("【隔離のお知らせ】");
        text.Should().Contain("お送りいただいた次のメールは、社内の送信ルールにより隔離しました。");
        text.Should().Contain("件名: 見積書の送付（11月分）");
        text.Should().Contain("送信日時: 2026/11/27 14:05 (JST)");
        text.Should().Contain("  buyer@customer.example.com（社外）");
        text.Should().Contain("  Partner@Other.example.net（社外）", "domains and addresses compare without case");
        text.Should().Contain("  suzuki@example.co.jp\n").And.NotContain("suzuki@example.co.jp（社外）");
        text.Should().Contain($"隔離ID: {Id}");

        text.Should().Contain("[Quarantined] Your message has been held");
        text.Should().Contain("Subject: 見積書の送付（11月分）");
        text.Should().Contain("Sent: 2026/11/27 14:05 (JST)");
        text.Should().Contain("  buyer@customer.example.com (external)");
        text.Should().Contain($"Quarantine ID: {Id}");

        text.IndexOf("【隔離のお知らせ】", StringComparison.Ordinal).Should()
            .BeLessThan(text.IndexOf("[Quarantined]", StringComparison.Ordinal), "Japanese comes first");
        text.Should().NotContain("\uFFFD");
    }

    [Test]
    public void Unencrypted_attachments_are_answered_with_the_add_in_s_encrypt_button_or_a_release()
    {
        var text = Text(Notice(Quarantined(PlainXlsx, Unidentified)));

        text.Should().Contain("Outlook の「添付ファイルを暗号化」ボタンで添付ファイルをパスワード付きZIPにしてから、もう一度送信してください。");
        text.Should().Contain("\"添付ファイルを暗号化\" (Encrypt attachments)");
        text.Should().Contain($"運用担当者（情報システム部 内線 1234 / it-help@example.co.jp）に隔離ID「{Id}」をお知らせのうえ、解放をご依頼ください。");
        text.Should().Contain($"ask the operator (情報システム部 内線 1234 / it-help@example.co.jp) to release it, quoting quarantine ID {Id}.");
    }

    [Test]
    public void An_executable_is_never_answered_with_encrypt_it()
    {
        var text = Text(Notice(Quarantined(Executable, PlainPdf)));

        text.Should().NotContain("添付ファイルを暗号化").And.NotContain("Encrypt attachments");
        text.Should().Contain("添付ファイルを外してから、もう一度送信してください。");
        text.Should().Contain($"隔離ID「{Id}」");
        text.Should().Contain("tool.exe: 実行ファイルです").And.Contain("tool.exe: an executable file");
    }

    [Test]
    public void Without_an_operator_contact_the_sender_is_sent_to_the_operator_in_general()
    {
        var notices = new QuarantineNotice(Gateway, new QuarantineOptions(), new FakeTimeProvider(Now));

        var text = Text(Wire.RoundTrip(notices.Create(Quarantined())!));

        text.Should().Contain($"運用担当者に隔離ID「{Id}」をお知らせのうえ、解放をご依頼ください。");
        text.Should().Contain($"ask your mail operator to release it, quoting quarantine ID {Id}.");
    }

    [Test]
    public void A_quarantine_without_findings_names_the_rule()
    {
        var verdict = Quarantined().Verdict;
        var message = Quarantined() with
        {
            Verdict = new Verdict
            {
                Action = verdict.Action,
                Rule = "competitor-domains",
                Findings = [],
                ExternalRecipients = verdict.ExternalRecipients,
                Confirmation = verdict.Confirmation,
            },
        };

        var text = Text(Notice(message));

        text.Should().Contain("・送信ルール（competitor-domains）に該当しました").And.Contain("- the message matched the sending rule \"competitor-domains\"");
    }

    [Test]
    public void Retention_is_stated_in_days()
    {
        Text(Notice(Quarantined())).Should().Contain("隔離したメールは30日後に自動的に削除されます。").And.Contain("deleted automatically after 30 days.");
    }

    [Test]
    public void Headers_address_the_sender_from_postmaster_as_an_automatic_message()
    {
        var notice = Notice(Quarantined());

        notice.Subject.Should().Be("【隔離のお知らせ】見積書の送付（11月分）／[Quarantined] 見積書の送付（11月分）");
        notice.From.Mailboxes.Single().Address.Should().Be("postmaster@gw1.example.co.jp");
        notice.To.Mailboxes.Single().Address.Should().Be("tanaka@example.co.jp");
        notice.Headers["Auto-Submitted"].Should().Be("auto-generated");
        notice.Date.Should().Be(Now);
        notice.MessageId.Should().EndWith("@gw1.example.co.jp");
        QuarantineNotice.EnvelopeSender.Should().BeEmpty("notices go out with MAIL FROM:<>");
    }

    [Test]
    public void Notice_from_is_used_with_its_display_name()
    {
        var notices = new QuarantineNotice(Gateway, new QuarantineOptions { NoticeFrom = "情報システム部 <safemail@example.co.jp>" }, new FakeTimeProvider(Now));

        var from = Wire.RoundTrip(notices.Create(Quarantined())!).From.Mailboxes.Single();

        from.Name.Should().Be("情報システム部");
        from.Address.Should().Be("safemail@example.co.jp");
    }

    [Test]
    public void A_long_or_missing_subject_is_shortened_or_named()
    {
        Notice(Quarantined() with { Subject = new string('長', 60) }).Subject.Should()
            .Be($"【隔離のお知らせ】{new string('長', 40)}…／[Quarantined] {new string('長', 40)}…");
        Notice(Quarantined() with { Subject = null }).Subject.Should().Be("【隔離のお知らせ】（件名なし）／[Quarantined] (no subject)");
    }

    [Test]
    public void A_bounce_that_was_quarantined_gets_no_notice()
    {
        var bounce = Quarantined() with { Envelope = new Envelope("", ["buyer@customer.example.com"]) };

        _notices.Create(bounce).Should().BeNull();
    }

    [Test]
    public void A_notice_without_a_quarantine_id_is_refused()
    {
        var act = () => _notices.Create(Quarantined() with { QuarantineId = " " });

        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public void A_file_name_with_a_bidi_override_is_shown_defused()
    {
        var disguised = new Finding("disguised", "請求書\u202Efdp.exe", PolicyTexts.Disguised(Disguises.BidiControl, FileKind.Executable), Decisive: true);

        var text = Text(Notice(Quarantined(disguised)));

        text.Should().Contain("請求書<U+202E>fdp.exe: 偽装ファイル（拡張子偽装）です").And.NotContain("\u202E");
    }

    [Test]
    public void Python_reads_the_notice_as_utf8_plain_text()
    {
        const string script = """
            import email, json, sys
            from email import policy
            with open(sys.argv[1], 'rb') as f:
                msg = email.message_from_binary_file(f, policy=policy.default)
            print(json.dumps({
                'type': msg.get_content_type(),
                'multipart': msg.is_multipart(),
                'charset': msg.get_content_charset(),
                'subject': str(msg['subject']),
                'text': msg.get_content(),
                'defects': [type(d).__name__ for d in msg.defects],
            }))
            """;

        var python = Python.Run(script, Wire.Bytes(_notices.Create(Quarantined())!));

        python.GetProperty("type").GetString().Should().Be("text/plain");
        python.GetProperty("multipart").GetBoolean().Should().BeFalse();
        python.GetProperty("charset").GetString().Should().Be("utf-8");
        python.GetProperty("subject").GetString().Should().StartWith("【隔離のお知らせ】");
        python.GetProperty("text").GetString().Should().Contain(PlainXlsx.Line.Ja).And.Contain(PlainXlsx.Line.En).And.Contain(Id);
        python.GetProperty("defects").EnumerateArray().Should().BeEmpty();
    }
}
