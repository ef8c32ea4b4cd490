using System.Text;
using System.Text.Json;
using Miraie.SafeMail.Gateway.Tests.Passwords;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>
/// BCC変換 end to end: real SMTP in, the pickup folder out. A mail showing more than 9 external addresses in To/Cc leaves
/// with <c>To: undisclosed-recipients:;</c> and no Cc, every other byte as sent, to every envelope recipient; the sender
/// is told once and the conversion audited once. A mail under the limit leaves untouched.
/// </summary>
public class ConvertToBccTests
{
    private const string Sender = "tanaka@example.co.jp";

    private static readonly string[] ToAddresses =
        ["a1@alpha.example.com", "a2@alpha.example.com", "a3@alpha.example.com", "b1@beta.example.net", "b2@beta.example.net", "b3@beta.example.net"];

    private static readonly string[] CcAddresses =
        ["c1@gamma.example.org", "c2@gamma.example.org", "c3@gamma.example.org", "d1@delta.example.jp", "d2@delta.example.jp", "d3@delta.example.jp"];

    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp() => _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
    {
        ["SafeMail:Policy:Rules:0:Name"] = "bcc-leak",
        ["SafeMail:Policy:Rules:0:Action"] = "ConvertToBcc",
        ["SafeMail:Policy:Rules:0:When:VisibleRecipients:ExternalMoreThan"] = "9",
        ["SafeMail:Policy:Rules:1:Name"] = "rest",
        ["SafeMail:Policy:Rules:1:Action"] = "Pass",
    });

    [TearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    /// <summary>The header lines of the test mail: a To folded over three lines, a Cc with encoded-word names (UTF-8 B and Q, ISO-2022-JP) and an internal address.</summary>
    private static List<string> Header(string[] to, string[] cc) =>
    [
        $"From: =?UTF-8?B?{B64("田中 太郎")}?= <{Sender}>",
        $"To: {string.Join(", ", to.Take(3))},",
        $"\t{string.Join(", ", to.Skip(3).Take(2))},",
        $"\t{string.Join(", ", to.Skip(5))}",
        $"Subject: =?UTF-8?B?{B64("年末年始の営業日のお知らせ")}?=",
        "Date: Fri, 27 Nov 2026 10:25:11 +0900",
        "Message-ID: <20261127102511.bcc@example.co.jp>",
        $"Cc: =?UTF-8?B?{B64("佐藤 様")}?= <{cc[0]}>, \"=?ISO-2022-JP?B?GyRCOGFMWhsoQg==?=\" <{cc[1]}>,",
        $" =?UTF-8?Q?=E9=88=B4=E6=9C=A8_=E6=A7=98?= <{cc[2]}>, suzuki@example.co.jp,",
        $" {string.Join(", ", cc.Skip(3))}",
        "Reply-To: tanaka@example.co.jp",
        "In-Reply-To: <earlier@example.co.jp>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
    ];

    private static byte[] Message(List<string> header)
    {
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes("お取引先各位\r\n\r\n年末年始の営業日をお知らせいたします。\r\nTo: これは本文です。\r\n"),
            Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(string.Join("\r\n", header) + "\r\n\r\n" + body + "\r\n");
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Test]
    public async Task Twelve_external_addresses_in_To_and_Cc_leave_as_undisclosed_recipients_to_every_recipient_and_the_sender_is_told()
    {
        var header = Header(ToAddresses, CcAddresses);
        var original = Message(header);
        string[] envelope = [.. ToAddresses, .. CcAddresses, "suzuki@example.co.jp", "sato@example.co.jp"]; // sato: a Bcc
        var reply = await RawMail.SendAsync(_gateway.Smtp, original, Sender, envelope);
        reply.Code.Should().Be(250);
        var id = reply.Text[(reply.Text.LastIndexOf(' ') + 1)..];

        var delivered = await _gateway.WaitForPickupAsync(2);
        delivered.Should().HaveCount(2, "the message and the notice to its sender");
        var message = delivered.Single(p => Path.GetFileNameWithoutExtension(p) == id);
        var bytes = await File.ReadAllBytesAsync(message);

        // To (all three of its lines) becomes the group where it stood, Cc (all three) goes; every other byte as sent.
        List<string> expected = [header[0], "To: undisclosed-recipients:;", .. header[4..7], .. header[10..]];
        RawMail.AfterAddedHeaders(bytes).Should().Equal(Message(expected));
        Encoding.ASCII.GetString(bytes).Should().Contain($"X-SafeMail-Verdict: convert-to-bcc; rule=bcc-leak; id={id}\r\n");
        Recipients(message).Should().BeEquivalentTo(envelope, "the envelope keeps every recipient");

        var notice = Wire.Parse(await File.ReadAllBytesAsync(delivered.Single(p => p != message)));
        Recipients(delivered.Single(p => p != message)).Should().Equal(Sender);
        notice.Subject.Should().Be("【BCC変換】[Moved to Bcc] 年末年始の営業日のお知らせ");
        notice.TextBody.Should().Contain("BCC").And.Contain(id);
        (await PasswordMailTests.AuditAsync(_gateway, "convert-to-bcc")).Should().ContainSingle()
            .Which.Should().Contain("bcc-leak").And.Contain("12 external addresses from 4 domains");

        await Task.Delay(1500);
        (await _gateway.WaitForPickupAsync(3, TimeSpan.FromMilliseconds(100))).Should().HaveCount(2, "one notice, once");
    }

    [Test]
    public async Task A_mail_at_the_limit_leaves_untouched_and_nobody_is_told()
    {
        var header = Header(ToAddresses, CcAddresses[..3]); // 9 external addresses, 3 domains (and one internal)
        header.RemoveAt(9);
        header[8] = header[8].TrimEnd(',');
        var original = Message(header);
        var reply = await RawMail.SendAsync(_gateway.Smtp, original, Sender, [.. ToAddresses, .. CcAddresses[..3], "suzuki@example.co.jp"]);
        reply.Code.Should().Be(250);

        var delivered = await _gateway.WaitForPickupAsync(1);
        var bytes = await File.ReadAllBytesAsync(delivered.Should().ContainSingle().Subject);
        RawMail.AfterAddedHeaders(bytes).Should().Equal(original);
        Encoding.ASCII.GetString(bytes).Should().Contain("X-SafeMail-Verdict: pass; rule=rest;");
        await Task.Delay(1500);
        (await _gateway.WaitForPickupAsync(2, TimeSpan.FromMilliseconds(100))).Should().ContainSingle("no notice");
        (await PasswordMailTests.AuditAsync(_gateway, "convert-to-bcc")).Should().BeEmpty();
    }

    private static List<string> Recipients(string eml)
    {
        using var envelope = JsonDocument.Parse(File.ReadAllText(eml[..^4] + ".envelope.json"));
        return envelope.RootElement.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()!).ToList();
    }
}
