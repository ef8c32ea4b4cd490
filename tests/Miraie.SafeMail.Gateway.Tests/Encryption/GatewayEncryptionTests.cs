using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Encryption;

/// <summary>
/// ゲートウェイ暗号化 (action Encrypt) through real SMTP into the pickup folder: the unprotected attachment leaves as a
/// password-protected ZIP that 7-Zip opens with the password from the separate password mail, giving back the very
/// bytes sent; the sender is told, with the password. What cannot be encrypted safely is quarantined as it came.
/// </summary>
public partial class GatewayEncryptionTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    private static Dictionary<string, string?> EncryptExternal(params string[] zipCryptoDomains)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "encrypt-external",
            ["SafeMail:Policy:Rules:0:Action"] = "Encrypt",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        };
        for (var i = 0; i < zipCryptoDomains.Length; i++)
        {
            settings[$"SafeMail:Policy:ZipCryptoDomains:{i}"] = zipCryptoDomains[i];
        }

        return settings;
    }

    [TestCase("", "AES-256", TestName = "An unprotected attachment to a customer leaves as an AES-256 ZIP that 7-Zip opens with the password from the separate mail")]
    [TestCase("customer.example.com", "ZipCrypto", TestName = "For a domain set to ZipCrypto the archive is ZipCrypto, which 7-Zip opens with the same password mail")]
    public async Task The_attachment_leaves_encrypted_and_the_password_separately(string zipCryptoDomain, string method)
    {
        await using var gateway = await TestGateway.StartAsync(zipCryptoDomain.Length == 0 ? EncryptExternal() : EncryptExternal(zipCryptoDomain));
        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "見積書の送付", TestMessages.Pdf, "御見積書_2026.pdf"), Sender, Customer);
        reply.Should().Contain("attachments encrypted");
        var id = Mailer.QueueIdOf(reply);

        // The message, the password mail to the customer, and the notice to the sender.
        var mails = (await gateway.WaitForPickupAsync(3, TimeSpan.FromSeconds(30))).Select(f => MimeMessage.Load(f)).ToList();
        var sent = mails.Single(m => m.Subject == "見積書の送付");
        var passwordMail = mails.Single(m => m.Subject!.StartsWith("【パスワードのお知らせ", StringComparison.Ordinal));
        var notice = mails.Single(m => m.Subject!.StartsWith("【暗号化して送信】", StringComparison.Ordinal));
        passwordMail.To.Mailboxes.Single().Address.Should().Be(Customer);
        notice.To.Mailboxes.Single().Address.Should().Be(Sender);

        sent.TextBody.Should().Contain("見積書を送付いたします", "the text is left as it was");
        var attachment = sent.Attachments.OfType<MimePart>().Should().ContainSingle().Subject;
        attachment.FileName.Should().Be("御見積書_2026.zip");
        attachment.ContentType.MimeType.Should().Be("application/zip");
        sent.Headers[HeaderId.MessageId].Should().Contain("test.example.co.jp", "the headers are the sender's");

        var password = PasswordLine().Match(passwordMail.TextBody ?? "").Groups[1].Value;
        password.Should().NotBeEmpty();
        notice.TextBody.Should().Contain("パスワード: " + password).And.Contain("御見積書_2026.pdf").And.Contain(method);

        var folder = Directory.CreateTempSubdirectory("safemail-encrypt-").FullName;
        try
        {
            var zip = Path.Combine(folder, "received.zip");
            await using (var file = File.Create(zip))
            {
                await attachment.Content!.DecodeToAsync(file);
            }

            (await SevenZipAsync("l", "-slt", "-p" + password, zip)).Should().Contain($"Method = {method}").And.Contain("Encrypted = +");
            (await SevenZipAsync("x", "-p" + password, "-o" + Path.Combine(folder, "out"), zip)).Should().Contain("Everything is Ok");
            (await File.ReadAllBytesAsync(Path.Combine(folder, "out", "御見積書_2026.pdf"))).Should().Equal(TestMessages.Pdf, "the file comes back byte for byte");
            (await SevenZipAsync("t", "-pWrong-Password-1", zip, true)).Should().Contain("Wrong password");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var record = await gateway.RecordAsync(id);
        record!.Verdict.Should().Be("encrypt");
        var history = await gateway.HistoryAsync(id);
        history.Should().Contain(a => a.Action == AuditActions.Encrypt && a.Detail!.Contains("御見積書_2026.pdf", StringComparison.Ordinal));
        history.Should().Contain(a => a.Action == AuditActions.PasswordMail);
    }

    [Test]
    public async Task Mail_without_attachments_and_internal_mail_leave_as_they_are()
    {
        await using var gateway = await TestGateway.StartAsync(EncryptExternal());
        (await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "ご挨拶"), Sender, Customer)).Should().NotContain("encrypted");
        (await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, ["suzuki@example.co.jp"], "社内資料", TestMessages.Pdf), Sender, "suzuki@example.co.jp"))
            .Should().NotContain("encrypted");
        var mails = (await gateway.WaitForPickupAsync(2, TimeSpan.FromSeconds(15))).Select(f => MimeMessage.Load(f)).ToList();
        await Task.Delay(2500); // a password mail or a notice, were there one, would follow within a poll
        (await gateway.WaitForPickupAsync(3, TimeSpan.FromMilliseconds(100))).Should().HaveCount(2);
        mails.Single(m => m.Subject == "社内資料").Attachments.OfType<MimePart>().Single().FileName.Should().Be("見積書.pdf", "internal mail is not under the rule");
    }

    [Test]
    public async Task An_attachment_that_cannot_be_identified_is_quarantined_as_it_came_not_encrypted()
    {
        await using var gateway = await TestGateway.StartAsync(EncryptExternal());
        var noise = RandomNumberGenerator.GetBytes(4096);
        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "データ", noise, "data.bin"), Sender, Customer);
        var record = await gateway.RecordAsync(Mailer.QueueIdOf(reply));
        record!.State.Should().Be(MessageState.Quarantined);
        record.FindingsJson.Should().Contain("encryption-refused").And.Contain("判別できない");
        await Task.Delay(2500);
        (await gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(100))).Should().BeEmpty("nothing leaves, and no password is made");
    }

    [Test]
    public async Task A_signed_message_is_quarantined_rather_than_changed()
    {
        await using var gateway = await TestGateway.StartAsync(EncryptExternal());
        var original = await File.ReadAllBytesAsync(Path.Combine(RawMail.CorpusMessages, "ext-smime-signed-plain-xlsx.eml"));
        var reply = await RawMail.SendAsync(gateway.Smtp, original, Sender, Customer);
        var record = await gateway.RecordAsync(Mailer.QueueIdOf(reply.Text));
        record!.State.Should().Be(MessageState.Quarantined);
        record.FindingsJson.Should().Contain("encryption-refused").And.Contain("署名");
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM archive_passwords";
        Convert.ToInt64(await count.ExecuteScalarAsync()).Should().Be(0, "no archive was made");
    }

    private static async Task<string> SevenZipAsync(params object[] args)
    {
        var expectFailure = args.Length > 0 && args[^1] is true;
        var start = new ProcessStartInfo("7z") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.OfType<string>())
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        (process.ExitCode != 0).Should().Be(expectFailure, output);
        return output;
    }

    [GeneratedRegex(@"パスワード: (\S+)")]
    private static partial Regex PasswordLine();
}
