using System.Data.Common;
using System.Security.Cryptography;
using MimeKit;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Passwords;

namespace Miraie.SafeMail.Gateway.Tests.Passwords;

/// <summary>
/// The password mail that follows a message carrying an add-in archive, in gateway mode: real SMTP in, pickup folder out.
/// The archive is stored as the add-in backend stores it (encrypted with data protection, with the ZIP's SHA-256).
/// </summary>
public class PasswordMailTests
{
    private const string Sender = "tanaka@example.co.jp";
    private static readonly string[] Recipients = ["buyer@customer.example.com", "keiri@partner.example.net", "hidden@third.example.org"];

    [Test]
    public async Task Each_delivered_recipient_gets_its_own_password_mail_after_the_message_and_the_password_is_then_erased()
    {
        await using var gateway = await TestGateway.StartAsync();
        var archive = await StoreArchiveAsync(gateway, Sender);
        var message = Message(Sender, archive);
        message.Bcc.Add(MailboxAddress.Parse(Recipients[2])); // a Bcc recipient must stay invisible to the others
        await Mailer.SendAsync(gateway.Smtp, message, Sender, Recipients);

        var delivered = await gateway.WaitForPickupAsync(4);
        delivered.Should().HaveCount(4, "the message and one password mail per recipient");
        var mails = delivered.Select(f => (File: f, Mail: MimeMessage.Load(f), Envelope: File.ReadAllText(f[..^4] + ".envelope.json"))).ToList();
        var original = mails.Single(m => m.Mail.Subject == "見積書の送付");
        var passwordMails = mails.Where(m => m.Mail.Subject != "見積書の送付").ToList();
        passwordMails.Select(m => m.Mail.To.Mailboxes.Single().Address).Should().BeEquivalentTo(Recipients);
        foreach (var (_, mail, envelope) in passwordMails)
        {
            var to = mail.To.Mailboxes.Single().Address;
            envelope.Should().Contain(to);
            envelope.Should().NotContain(Recipients.First(r => r != to));
            mail.Cc.Count.Should().Be(0);
            mail.Subject.Should().Be("【パスワードのお知らせ / Password】見積書の送付");
            mail.From.Mailboxes.Single().Address.Should().Be(Sender);
            mail.InReplyTo.Should().Be(original.Mail.MessageId);
            mail.TextBody.Should().Contain("パスワード: " + archive.Password).And.Contain("Password: " + archive.Password)
                .And.Contain("見積書.zip").And.NotContain(Recipients[2] == to ? Recipients[0] : Recipients[2]);
            mail.Headers["Auto-Submitted"].Should().Be("auto-generated");
        }

        // Original first: every password mail was queued only after the original reached the pickup folder.
        passwordMails.Should().OnlyContain(m => File.GetLastWriteTimeUtc(m.File) >= File.GetLastWriteTimeUtc(original.File));
        original.Mail.Attachments.OfType<MimePart>().Single().FileName.Should().Be("見積書.zip");

        await WaitUntilAsync(async () => await gateway.Get<ArchivePasswords>().GetAsync(archive.Id, CancellationToken.None) is null);
        (await gateway.Get<ArchivePasswords>().ReadAsync(archive.Id, Sender, CancellationToken.None)).Should().BeNull("delivered: the password is erased");
        (await StoredPasswordAsync(gateway, archive.Id)).Should().BeEmpty();
        (await AuditAsync(gateway, "password-mail")).Should().HaveCount(3);
    }

    [Test]
    public async Task A_message_that_names_another_senders_archive_or_does_not_carry_it_gets_no_password_mail()
    {
        await using var gateway = await TestGateway.StartAsync();
        var archive = await StoreArchiveAsync(gateway, Sender);

        // Someone else sends the same ZIP with the id: refused.
        await Mailer.SendAsync(gateway.Smtp, Message("suzuki@example.co.jp", archive), "suzuki@example.co.jp", Recipients[0]);
        // The owner names the archive on a message that carries a different ZIP: refused.
        var other = Message(Sender, archive with { Zip = TestMessages.AesZip });
        await Mailer.SendAsync(gateway.Smtp, other, Sender, Recipients[0]);

        (await gateway.WaitForPickupAsync(2)).Should().HaveCount(2);
        await Task.Delay(4500); // two polls of the password mail service
        (await gateway.WaitForPickupAsync(3, TimeSpan.FromMilliseconds(100))).Should().HaveCount(2, "no password mail went out");
        var refused = await AuditAsync(gateway, "password-refused");
        refused.Should().HaveCount(2);
        refused.Should().Contain(d => d.Contains("made by another sender")).And.Contain(d => d.Contains("does not carry that archive"));
        (await gateway.Get<ArchivePasswords>().ReadAsync(archive.Id, Sender, CancellationToken.None)).Should().Be(archive.Password, "still kept for its real message");
    }

    [Test]
    public async Task A_quarantined_message_gets_its_password_mail_only_once_released_and_delivered()
    {
        await using var gateway = await TestGateway.StartAsync();
        var archive = await StoreArchiveAsync(gateway, Sender);
        var message = Message(Sender, archive);
        var body = (Multipart)message.Body!;
        body.Add(new MimePart("application", "pdf") { FileName = "別紙.pdf", Content = new MimeContent(new MemoryStream(TestMessages.Pdf)), ContentTransferEncoding = ContentEncoding.Base64 });
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, message, Sender, Recipients[0]));

        await Task.Delay(4500);
        (await gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(100))).Should().BeEmpty("held: neither the message nor its password goes out");
        (await gateway.Get<QuarantineService>().ReleaseAsync(id, new ReleaseRequest("operator1", false, null))).Released.Should().BeTrue();

        var delivered = await gateway.WaitForPickupAsync(2);
        delivered.Select(f => MimeMessage.Load(f).Subject).Should().BeEquivalentTo("見積書の送付", "【パスワードのお知らせ / Password】見積書の送付");
    }

    [Test]
    public async Task In_pane_mode_the_gateway_sends_no_password_and_keeps_it_for_the_sender()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:PasswordDelivery:Mode"] = "pane" });
        var archive = await StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, Message(Sender, archive), Sender, Recipients[0]);

        (await gateway.WaitForPickupAsync(1)).Should().HaveCount(1);
        await Task.Delay(4500);
        (await gateway.WaitForPickupAsync(2, TimeSpan.FromMilliseconds(100))).Should().HaveCount(1);
        (await gateway.Get<ArchivePasswords>().ReadAsync(archive.Id, Sender, CancellationToken.None)).Should().Be(archive.Password);
    }

    [Test]
    public async Task The_password_mail_is_written_in_the_language_the_admin_chose()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:PasswordDelivery:Language"] = "en" });
        var archive = await StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, Message(Sender, archive), Sender, Recipients[0]);

        var mail = (await gateway.WaitForPickupAsync(2)).Select(f => MimeMessage.Load(f)).Single(m => m.Subject!.StartsWith("[Password]", StringComparison.Ordinal));
        mail.Subject.Should().Be("[Password] 見積書の送付");
        mail.TextBody.Should().Contain("Password: " + archive.Password).And.NotContain("パスワード:");
    }

    [Test]
    public async Task A_recipient_that_refuses_the_password_mail_is_reported_to_the_sender_without_the_password()
    {
        await using var upstream = await CapturingSmtpServer.StartAsync();
        upstream.EnqueueDataReply("250 2.0.0 original accepted");
        upstream.EnqueueDataReply("550 5.7.1 password mail refused by policy");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
        });
        var archive = await StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, Message(Sender, archive), Sender, Recipients[0]);

        var transactions = await upstream.WaitForTransactionsAsync(3, TimeSpan.FromSeconds(30));
        transactions.Should().HaveCount(3, "the message, the refused password mail, and the report to the sender");
        transactions[1].From.Should().Be(Sender, "the password mail carries the sender's envelope address");
        transactions[1].Accepted.Should().BeFalse();
        var report = transactions[2];
        report.From.Should().BeEmpty("a report goes with the null sender");
        report.Recipients.Should().Equal(Sender);
        report.Text.Should().Contain("550 5.7.1 password mail refused by policy").And.Contain(Recipients[0]);
        report.Text.Should().NotContain(archive.Password, "the report quotes the password mail's headers, never its body");
    }

    [Test]
    public async Task A_password_that_cannot_be_decrypted_fails_that_mail_audited_and_the_service_goes_on()
    {
        await using var gateway = await TestGateway.StartAsync();
        var archive = await StoreArchiveAsync(gateway, Sender);
        // As if DATA/keys had been replaced after the password was stored: the stored ciphertext no longer opens.
        await using (var connection = await gateway.Get<SafeMailDatabase>().OpenAsync())
        await using (var spoil = connection.CreateCommand())
        {
            spoil.CommandText = "UPDATE archive_passwords SET password = 'CfDJ8spoilt' WHERE id = @id";
            Sql.Add(spoil, "@id", archive.Id);
            await spoil.ExecuteNonQueryAsync();
        }

        await Mailer.SendAsync(gateway.Smtp, Message(Sender, archive), Sender, Recipients[0]);
        (await gateway.WaitForPickupAsync(1)).Should().HaveCount(1, "the message itself is delivered");
        await WaitUntilAsync(async () => (await AuditAsync(gateway, "password-mail-failed")).Count == 1);
        (await AuditAsync(gateway, "password-mail-failed")).Single().Should().Contain("cannot be decrypted");

        var next = await StoreArchiveAsync(gateway, Sender); // the service is still running
        await Mailer.SendAsync(gateway.Smtp, Message(Sender, next), Sender, Recipients[0]);
        (await gateway.WaitForPickupAsync(3)).Should().HaveCount(3);
    }

    [TestCase("SafeMail:PasswordDelivery:Mode", "email", "SafeMail:PasswordDelivery:Mode")]
    [TestCase("SafeMail:PasswordDelivery:Language", "fr", "SafeMail:PasswordDelivery:Language")]
    [TestCase("SafeMail:PasswordDelivery:Mode", "graph", "SafeMail:PasswordDelivery:Graph:TenantId")]
    public async Task Bad_password_delivery_settings_stop_the_start_naming_the_key(string key, string value, string named)
    {
        var start = () => TestGateway.StartAsync(new Dictionary<string, string?> { [key] = value });
        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()).Which.Message.Should().Contain(named);
    }

    internal sealed record Archive(string Id, string Password, byte[] Zip);

    /// <summary>An AES-256 ZIP and its password, stored as the add-in backend stores them.</summary>
    internal static async Task<Archive> StoreArchiveAsync(TestGateway gateway, string sender)
    {
        var password = PasswordGenerator.Generate();
        using var zip = new MemoryStream();
        new ProtectedZipWriter().Write(zip, password, [ProtectedZipInput.FromStream("見積書.pdf", new MemoryStream(TestMessages.Pdf))]);
        var archive = new Archive(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), password, zip.ToArray());
        await gateway.Get<ArchivePasswords>().SaveAsync(new NewArchive(archive.Id, sender, Recipients, "見積書.zip", "Aes256", password,
            Convert.ToHexStringLower(SHA256.HashData(archive.Zip))), DateTimeOffset.UtcNow, CancellationToken.None);
        return archive;
    }

    /// <summary>The message the pane leaves behind: the ZIP attached, the archive id header set.</summary>
    internal static MimeMessage Message(string from, Archive archive)
    {
        var message = TestMessages.Mail(from, [Recipients[0]], "見積書の送付", archive.Zip, "見積書.zip");
        message.Cc.Add(MailboxAddress.Parse(Recipients[1]));
        message.Headers.Add(MessageInspector.ArchiveIdHeader, archive.Id);
        return message;
    }

    internal static async Task<List<string>> AuditAsync(TestGateway gateway, string action)
    {
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT COALESCE(detail, '') FROM audit WHERE action = @a";
        Sql.Add(select, "@a", action);
        var details = new List<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            details.Add(reader.GetString(0));
        }

        return details;
    }

    private static async Task<string?> StoredPasswordAsync(TestGateway gateway, string id)
    {
        await using DbConnection connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT password FROM archive_passwords WHERE id = @id";
        Sql.Add(select, "@id", id);
        return (string?)await select.ExecuteScalarAsync();
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should have held by now");
            await Task.Delay(100);
        }
    }
}
