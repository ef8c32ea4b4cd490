using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Links;

/// <summary>
/// 宛先ドメイン別の送り方 through real SMTP: one ByDomain rule, and each recipient domain gets its files the way the admin
/// set it — a password ZIP (the default), a download link, as they are, or not at all (quarantined).
/// </summary>
public class ByDomainTests
{
    private const string Sender = "tanaka@example.co.jp";

    [Test]
    public async Task Each_domain_gets_the_files_the_way_it_is_set_to_receive_them()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:FileDelivery:Default"] = "Zip",
            ["SafeMail:Policy:FileDelivery:Domains:0:Domain"] = "link.example.com",
            ["SafeMail:Policy:FileDelivery:Domains:0:Mode"] = "Link",
            ["SafeMail:Policy:FileDelivery:Domains:1:Domain"] = "plain.example.com",
            ["SafeMail:Policy:FileDelivery:Domains:1:Mode"] = "Plain",
            ["SafeMail:Policy:FileDelivery:Domains:2:Domain"] = "block.example.com",
            ["SafeMail:Policy:FileDelivery:Domains:2:Mode"] = "Block",
            ["SafeMail:Policy:Rules:0:Name"] = "by-domain",
            ["SafeMail:Policy:Rules:0:Action"] = "ByDomain",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        });

        var zip = await SendAsync(gateway, "a@zip.example.com", "ZIPで");
        var link = await SendAsync(gateway, "a@link.example.com", "リンクで");
        var plain = await SendAsync(gateway, "a@plain.example.com", "そのまま");
        var blocked = await SendAsync(gateway, "a@block.example.com", "送らない");
        var noFiles = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, ["a@block.example.com"], "本文だけ"), Sender, "a@block.example.com"));

        (await gateway.RecordAsync(zip))!.Verdict.Should().Be("encrypt");
        (await gateway.RecordAsync(link))!.Verdict.Should().Be("link");
        (await gateway.RecordAsync(plain))!.Verdict.Should().Be("pass");
        var quarantined = (await gateway.RecordAsync(blocked))!;
        quarantined.State.Should().Be(MessageState.Quarantined);
        quarantined.FindingsJson.Should().Contain("block.example.com").And.Contain("ファイルを送らない設定");
        (await gateway.RecordAsync(noFiles))!.State.Should().NotBe(MessageState.Quarantined, "a mail without files has nothing to block");

        // The three messages, the ZIP's password mail, the notices for the ZIP and the link, and the message without files.
        var mails = (await gateway.WaitForPickupAsync(7, TimeSpan.FromSeconds(30))).Select(f => MimeMessage.Load(f)).ToList();
        mails.Single(m => m.Subject == "ZIPで").Attachments.OfType<MimePart>().Single().FileName.Should().Be("見積書.zip");
        var viaLink = mails.Single(m => m.Subject == "リンクで");
        viaLink.Attachments.Should().BeEmpty();
        viaLink.TextBody.Should().Contain("/d/");
        mails.Single(m => m.Subject == "そのまま").Attachments.OfType<MimePart>().Single().FileName.Should().Be("見積書.pdf");
        mails.Should().NotContain(m => m.Subject == "送らない");
    }

    [Test]
    public async Task A_plain_domain_still_gets_no_file_that_could_not_be_identified()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:FileDelivery:Default"] = "Plain",
            ["SafeMail:Policy:Rules:0:Name"] = "by-domain",
            ["SafeMail:Policy:Rules:0:Action"] = "ByDomain",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "default-pass",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        });
        var noise = new byte[4096];
        new Random(7).NextBytes(noise); // random bytes: no kind the inspector knows

        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, ["a@plain.example.com"], "不明なファイル", noise, "data.bin"),
            Sender, "a@plain.example.com"));

        var record = (await gateway.RecordAsync(id))!;
        record.State.Should().Be(MessageState.Quarantined);
        record.FindingsJson.Should().Contain("そのまま送らずに隔離しました").And.Contain("instead of sent as it is");
    }

    private static async Task<string> SendAsync(TestGateway gateway, string to, string subject) =>
        Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [to], subject, TestMessages.Pdf), Sender, to));
}
