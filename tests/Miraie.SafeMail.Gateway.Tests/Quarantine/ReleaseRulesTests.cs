using System.Globalization;
using System.Text;
using MimeKit;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Quarantine;

/// <summary>
/// Releasing is as careful as quarantining: disguised or executable content only with an admin's authority and a reason,
/// a selection refused whole when part of it needs that, every refusal and the delivery that follows a release audited.
/// </summary>
public class ReleaseRulesTests
{
    private static readonly byte[] Script = Encoding.ASCII.GetBytes("#!/bin/sh\necho installing\n");

    [Test]
    public async Task Executable_mail_is_released_only_with_authority_and_a_reason_and_each_refusal_is_audited()
    {
        await using var gateway = await TestGateway.StartAsync();
        var id = await SendAsync(gateway, "ツール", Script, "setup.sh");
        var quarantine = gateway.Get<QuarantineService>();
        (await quarantine.ShowAsync(id))!.Value.Message.Rule.Should().Be("executable");

        var byOperator = await quarantine.ReleaseAsync(id, new ReleaseRequest("web:operator1", MayReleaseRisky: false, "取引先の依頼"));
        byOperator.Outcome.Should().Be(ReleaseOutcome.AdminRequired);
        byOperator.RiskyPaths.Should().Equal("setup.sh");
        var withoutReason = await quarantine.ReleaseAsync(id, new ReleaseRequest("web:admin1", MayReleaseRisky: true, "   "));
        withoutReason.Outcome.Should().Be(ReleaseOutcome.ReasonRequired);
        (await quarantine.ShowAsync(id))!.Value.Message.State.Should().Be(MessageState.Quarantined, "nothing was released");

        var byAdmin = await quarantine.ReleaseAsync(id, new ReleaseRequest("web:admin1", MayReleaseRisky: true, "取引先から依頼のあった設定スクリプト"));
        byAdmin.Outcome.Should().Be(ReleaseOutcome.Released);

        var history = (await quarantine.ShowAsync(id))!.Value.History;
        history.Where(h => h.Action == AuditActions.ReleaseRefused).Select(h => (h.Actor, h.Detail)).Should().Equal(
            ("web:operator1", "偽装ファイル・実行ファイルを含むため、管理者だけが解放できます / disguised or executable content: only an admin may release it: setup.sh"),
            ("web:admin1", "偽装ファイル・実行ファイルを含むため、解放の理由が必要です / disguised or executable content: a reason is required: setup.sh"));
        history.Should().ContainSingle(h => h.Action == AuditActions.Release).Which.Detail.Should()
            .Be("理由 / reason: 取引先から依頼のあった設定スクリプト; 偽装ファイル・実行ファイル / disguised or executable: setup.sh");
    }

    [Test]
    public async Task Disguised_content_is_found_from_what_was_stored_and_a_too_long_reason_is_refused()
    {
        await using var gateway = await TestGateway.StartAsync();
        var id = await SendAsync(gateway, "請求書", TestMessages.Pdf, "請求書\u202Efdp.exe");
        var quarantine = gateway.Get<QuarantineService>();
        var stored = (await quarantine.ShowAsync(id))!.Value.Message;

        ReleaseReview.RiskyPaths(stored).Should().Equal("請求書\u202Efdp.exe");
        ReleaseReview.Attachments(stored).Should().ContainSingle().Which.Findings.Should().Contain(ReleaseReview.Disguised);
        await FluentActions.Awaiting(() => quarantine.ReleaseAsync(id, new ReleaseRequest("cli:root", true, new string('x', ReleaseRequest.MaxReasonLength + 1))))
            .Should().ThrowAsync<ArgumentException>();
    }

    [Test]
    public async Task A_script_embedded_in_a_docx_needs_an_admin_and_the_docx_itself_reads_not_encrypted()
    {
        await using var gateway = await TestGateway.StartAsync();
        var id = await SendAsync(gateway, "資料", Docx(("word/embeddings/setup.sh", Script)), "資料.docx");
        var quarantine = gateway.Get<QuarantineService>();
        var stored = (await quarantine.ShowAsync(id))!.Value.Message;

        ReleaseReview.RiskyPaths(stored).Should().Contain("資料.docx › word/embeddings/setup.sh");
        var attachments = ReleaseReview.Attachments(stored);
        attachments.Select(a => a.Path).Should().Equal("資料.docx", "資料.docx › word/embeddings/setup.sh");
        attachments[0].Findings.Should().Contain(Miraie.SafeMail.Core.Inspection.InspectionTexts.NotEncrypted, "the document's own text is readable");
        (await quarantine.ReleaseAsync(id, new ReleaseRequest("web:operator1", MayReleaseRisky: false, null))).Outcome.Should().Be(ReleaseOutcome.AdminRequired);
    }

    [Test]
    public async Task A_selection_with_mail_that_needs_an_admin_is_refused_as_a_whole()
    {
        await using var gateway = await TestGateway.StartAsync();
        var plain = await SendAsync(gateway, "見積書", TestMessages.Pdf, "見積書.pdf");
        var risky = await SendAsync(gateway, "ツール", Script, "setup.sh");
        var quarantine = gateway.Get<QuarantineService>();

        var results = await quarantine.ReleaseAsync([plain, risky], new ReleaseRequest("web:operator1", false, null));

        results.Select(r => (r.Id, r.Outcome)).Should().Equal((plain, ReleaseOutcome.SelectionRefused), (risky, ReleaseOutcome.AdminRequired));
        foreach (var id in new[] { plain, risky })
        {
            var (message, history) = (await quarantine.ShowAsync(id))!.Value;
            message.State.Should().Be(MessageState.Quarantined);
            history.Should().ContainSingle(h => h.Action == AuditActions.ReleaseRefused);
        }

        (await quarantine.ReleaseAsync([plain], new ReleaseRequest("web:operator1", false, null)))[0].Released.Should().BeTrue("alone it is the operator's to release");
    }

    [Test]
    public async Task Releases_of_released_deleted_or_unknown_mail_are_refused_and_audited()
    {
        await using var gateway = await TestGateway.StartAsync();
        var released = await SendAsync(gateway, "一通目", TestMessages.Pdf, "見積書.pdf");
        var deleted = await SendAsync(gateway, "二通目", TestMessages.Pdf, "見積書.pdf");
        var quarantine = gateway.Get<QuarantineService>();
        var request = new ReleaseRequest("cli:yamada", true, null);
        (await quarantine.ReleaseAsync(released, request)).Released.Should().BeTrue();
        (await quarantine.DeleteAsync(deleted, "cli:yamada")).Should().BeTrue();

        var results = await quarantine.ReleaseAsync([released, deleted, "0000000000000000", "not-an-id"], request);

        results.Select(r => r.Outcome).Should().Equal(ReleaseOutcome.AlreadyReleased, ReleaseOutcome.Deleted, ReleaseOutcome.NotFound, ReleaseOutcome.NotFound);
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        var refusals = (await AuditLog.ForMessageAsync(connection, released)).Concat(await AuditLog.ForMessageAsync(connection, deleted))
            .Concat(await AuditLog.ForMessageAsync(connection, "0000000000000000")).Where(h => h.Action == AuditActions.ReleaseRefused).ToList();
        refusals.Select(r => r.Detail).Should().Equal("既に解放されています / already released", "削除済みです / deleted", "メールが見つかりません / no such message");
        refusals.Should().OnlyContain(r => r.Actor == "cli:yamada");
    }

    [Test]
    public async Task The_delivery_that_follows_a_release_is_in_the_audit_log_per_recipient()
    {
        await using var upstream = await CapturingSmtpServer.StartAsync();
        upstream.SetRecipientReply("busy@customer.example.com", "451 4.2.1 mailbox busy, try later");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = upstream.Port.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
            ["SafeMail:Delivery:InitialRetryDelay"] = "00:10:00",
            ["SafeMail:Delivery:MaxRetryDelay"] = "00:10:00",
        });
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com", "busy@customer.example.com"], "見積書", TestMessages.Pdf);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com", "busy@customer.example.com"));
        var quarantine = gateway.Get<QuarantineService>();

        (await quarantine.ReleaseAsync(id, new ReleaseRequest("web:operator1", false, null))).Released.Should().BeTrue();
        await upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        var history = await WaitForAsync(quarantine, id, h => h.Any(e => e.Action == AuditActions.Defer));

        history.Select(h => h.Action).Should().Equal(AuditActions.Quarantine, AuditActions.Release, AuditActions.Deliver, AuditActions.Defer);
        var deliver = history.Single(h => h.Action == AuditActions.Deliver);
        deliver.Actor.Should().Be(AuditLog.System);
        deliver.Detail.Should().StartWith("buyer@customer.example.com: 250").And.NotContain("busy@");
        history.Single(h => h.Action == AuditActions.Defer).Detail.Should().StartWith("busy@customer.example.com: 451 4.2.1 mailbox busy").And.Contain("next attempt");
    }

    [Test]
    public async Task Mail_that_was_never_quarantined_leaves_no_delivery_entries_in_the_audit_log()
    {
        await using var gateway = await TestGateway.StartAsync();
        var id = await SendAsync(gateway, "暗号化済み", TestMessages.AesZip, "見積書.zip");
        await gateway.WaitForPickupAsync(1);
        await Task.Delay(500);

        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        (await AuditLog.ForMessageAsync(connection, id)).Should().BeEmpty("passing mail is not an audit event; only a release is followed");
    }

    [Test]
    public async Task The_from_display_name_is_stored_decoded_when_mail_is_accepted()
    {
        await using var gateway = await TestGateway.StartAsync();
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書", TestMessages.Pdf);
        message.From.Clear();
        message.From.Add(new MailboxAddress("田中 太郎（営業部）", "tanaka@example.co.jp"));
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com"));
        Encoding.UTF8.GetString(TestMessages.Bytes(message)).Split("\r\n").First(l => l.StartsWith("From:", StringComparison.Ordinal))
            .Should().ContainEquivalentOf("=?utf-8?", "the name travels RFC 2047-encoded");

        var stored = (await gateway.Get<QuarantineService>().ShowAsync(id))!.Value.Message;

        stored.HeaderFromName.Should().Be("田中 太郎（営業部）");
        stored.HeaderFrom.Should().Be("tanaka@example.co.jp");
    }

    /// <summary>An OOXML package (a [Content_Types].xml and the given parts).</summary>
    private static byte[] Docx(params (string Name, byte[] Data)[] parts)
    {
        using var output = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in parts.Prepend(("[Content_Types].xml", Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"))))
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(data);
            }
        }

        return output.ToArray();
    }

    private static async Task<string> SendAsync(TestGateway gateway, string subject, byte[] content, string fileName) =>
        Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp,
            TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], subject, content, fileName), "tanaka@example.co.jp", "buyer@customer.example.com"));

    private static async Task<IReadOnlyList<AuditEntry>> WaitForAsync(QuarantineService quarantine, string id, Func<IReadOnlyList<AuditEntry>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var history = (await quarantine.ShowAsync(id))!.Value.History;
            if (done(history) || DateTime.UtcNow > deadline)
            {
                return history;
            }

            await Task.Delay(50);
        }
    }
}
