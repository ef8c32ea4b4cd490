using System.Security.Cryptography;
using System.Text.Json;
using MimeKit;
using Miraie.SafeMail.Core.Confirmation;

namespace Miraie.SafeMail.Cli.Tests.Commands;

public class CheckCommandTests
{
    private static readonly byte[] TinyPdf = MinimalPdf();

    private string _dir = null!;

    /// <summary>A valid one-page PDF with a correct cross-reference table.</summary>
    private static byte[] MinimalPdf()
    {
        string[] objects =
        [
            "<</Type/Catalog/Pages 2 0 R>>",
            "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        ];
        var text = new System.Text.StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(text.Length);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = text.Length;
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<</Size {objects.Length + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n");
        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("safemail-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Sample => Path.Combine(SafemailProcess.RepositoryRoot, "appsettings.sample.json");

    private string WriteMessage(string name, string to = "buyer@customer.example.com", byte[]? attachment = null, string fileName = "見積書.pdf", string? stamp = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("tanaka@example.co.jp"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "見積書の送付";
        if (stamp is not null)
        {
            message.Headers.Add("X-SafeMail-Confirmation", stamp);
        }

        var body = new BodyBuilder { TextBody = "お世話になっております。" };
        if (attachment is not null)
        {
            body.Attachments.Add(fileName, attachment);
        }

        message.Body = body.ToMessageBody();
        var path = Path.Combine(_dir, name);
        message.WriteTo(path);
        return path;
    }

    [Test]
    public async Task Plain_pdf_to_an_external_recipient_is_quarantined_with_exit_code_1()
    {
        var result = await SafemailProcess.RunAsync("check", WriteMessage("a.eml", attachment: TinyPdf), "--policy", Sample);
        result.ExitCode.Should().Be(1, result.Error);
        result.Out.Should().Contain("Verdict: quarantine (rule: external-unprotected)")
            .And.Contain("buyer@customer.example.com (external)")
            .And.Contain("* 見積書.pdf: not encrypted (PDF)");
        result.Error.Should().BeEmpty();
    }

    [Test]
    public async Task Output_is_japanese_when_the_locale_is()
    {
        var result = await SafemailProcess.RunInAsync("ja", null, "check", WriteMessage("a.eml", attachment: TinyPdf), "--policy", Sample);
        result.ExitCode.Should().Be(1, result.Error);
        result.Out.Should().Contain("判定: 隔離 (ルール: external-unprotected)").And.Contain("* 見積書.pdf: 暗号化されていません（PDF）");
        var english = await SafemailProcess.RunInAsync("ja", null, "--lang", "en", "check", WriteMessage("b.eml", attachment: TinyPdf), "--policy", Sample);
        english.Out.Should().Contain("Verdict: quarantine");
    }

    [TestCase("en", "Treated as body:", "winmail.dat › image001.png (image/png): inline image referenced from the HTML body (cid:)",
        "smime.p7s (application/pkcs7-signature): S/MIME signature (CMS SignedData, detached)")]
    [TestCase("ja", "本文として扱った部分:", "winmail.dat › image001.png (image/png): 本文中のインライン画像（HTML から cid: で参照）",
        "smime.p7s (application/pkcs7-signature): S/MIME の電子署名（CMS SignedData、分離署名）")]
    public async Task Body_items_are_listed_with_where_they_sit_and_what_they_are(string language, string heading, string tnefImage, string signature)
    {
        // Issue 12: a winmail.dat's inline picture was dropped from the output; a signed mail was quarantined for smime.p7s.
        var corpus = Path.Combine(SafemailProcess.RepositoryRoot, "tests", "corpus", "out", "messages");
        var tnef = await SafemailProcess.RunAsync("--lang", language, "check", Path.Combine(corpus, "ext-tnef-inline-image-and-aes-zip.eml"), "--policy", Sample);
        tnef.ExitCode.Should().Be(0, tnef.Out + tnef.Error);
        tnef.Out.Should().Contain(heading).And.Contain("  " + tnefImage);
        var signed = await SafemailProcess.RunAsync("--lang", language, "check", Path.Combine(corpus, "ext-smime-signed-aes-zip.eml"), "--policy", Sample);
        signed.ExitCode.Should().Be(0, signed.Out + signed.Error);
        signed.Out.Should().Contain("  " + signature);
        var json = await SafemailProcess.RunAsync("check", Path.Combine(corpus, "ext-tnef-inline-image-and-aes-zip.eml"), "--policy", Sample, "--json");
        json.Out.Should().Contain("\"within\": \"winmail.dat\"").And.Contain("\"why\": \"inline-image\"");
    }

    [Test]
    public async Task Internal_recipients_from_the_command_line_override_the_headers_and_pass()
    {
        var result = await SafemailProcess.RunAsync("check", WriteMessage("a.eml", attachment: TinyPdf), "--policy", Sample, "--to", "suzuki@example.co.jp,sato@osaka.example.co.jp");
        result.ExitCode.Should().Be(0, result.Out + result.Error);
        result.Out.Should().Contain("Verdict: pass (rule: default-pass)");
    }

    [Test]
    public async Task Json_output_carries_the_tree_the_verdict_and_both_languages()
    {
        var result = await SafemailProcess.RunAsync("check", WriteMessage("a.eml", attachment: TinyPdf), "--policy", Sample, "--json");
        result.ExitCode.Should().Be(1, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        root.GetProperty("verdict").GetProperty("action").GetString().Should().Be("quarantine");
        root.GetProperty("verdict").GetProperty("findings")[0].GetProperty("text").GetProperty("ja").GetString().Should().Contain("暗号化されていません");
        var attachment = root.GetProperty("attachments")[0];
        attachment.GetProperty("name").GetString().Should().Be("見積書.pdf");
        attachment.GetProperty("kind").GetString().Should().Be("pdf");
        attachment.GetProperty("protection").GetString().Should().Be("not-protected");
        attachment.GetProperty("sha256").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(TinyPdf)));
        root.GetProperty("envelope").GetProperty("recipients")[0].GetString().Should().Be("buyer@customer.example.com");
    }

    [Test]
    public async Task A_valid_confirmation_stamp_is_verified_with_keys_from_the_environment()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var signer = new ConfirmationSigner(new ConfirmationOptions { Keys = { ["k1"] = key }, CurrentKeyId = "k1" });
        var stamp = signer.Sign("tanaka@example.co.jp", ["buyer@customer.example.com"], [Convert.ToHexStringLower(SHA256.HashData(TinyPdf))]);
        var environment = new Dictionary<string, string> { ["SafeMail__Confirmation__Keys__k1"] = key };

        var valid = await SafemailProcess.RunInAsync("en", environment, "check", WriteMessage("a.eml", attachment: TinyPdf, stamp: stamp), "--policy", Sample, "--json");
        JsonDocument.Parse(valid.Out).RootElement.GetProperty("verdict").GetProperty("confirmation").GetString().Should().Be("valid");

        var otherRecipient = await SafemailProcess.RunInAsync("en", environment, "check", WriteMessage("b.eml", to: "someone@else.example", attachment: TinyPdf, stamp: stamp), "--policy", Sample);
        otherRecipient.Out.Should().Contain("the recipients changed after confirmation");

        var noKey = await SafemailProcess.RunAsync("check", WriteMessage("c.eml", attachment: TinyPdf, stamp: stamp), "--policy", Sample);
        noKey.Out.Should().Contain("stamp present, not checked");
    }

    [Test]
    public async Task A_missing_file_is_one_line_and_exit_code_66()
    {
        var result = await SafemailProcess.RunAsync("check", Path.Combine(_dir, "nope.eml"));
        result.ExitCode.Should().Be(66);
        result.Error.Trim().Should().StartWith("safemail: cannot open the message file:").And.NotContain("\n").And.NotContain(" at ");
        result.Out.Should().BeEmpty();
    }

    [Test]
    public async Task A_file_that_is_not_a_message_is_exit_code_65()
    {
        var pdf = Path.Combine(_dir, "x.pdf");
        await File.WriteAllBytesAsync(pdf, TinyPdf);
        var result = await SafemailProcess.RunAsync("check", pdf);
        result.ExitCode.Should().Be(65);
        result.Error.Trim().Should().Be($"safemail: not a mail message: {pdf}");
    }

    [Test]
    public async Task A_bad_policy_names_the_setting_and_is_exit_code_78()
    {
        var policy = Path.Combine(_dir, "policy.json");
        await File.WriteAllTextAsync(policy, """
            { "SafeMail": { "Policy": { "InternalDomains": ["example.co.jp"], "Rules": [
              { "Name": "x", "Action": "Quarantine", "When": { "Attachment": { "Kinds": ["exe"] } } },
              { "Name": "rest", "Action": "Pass" } ] } } }
            """);
        var result = await SafemailProcess.RunAsync("check", WriteMessage("a.eml", attachment: TinyPdf), "--policy", policy);
        result.ExitCode.Should().Be(78);
        result.Error.Should().Contain("SafeMail:Policy:Rules:0:When:Attachment:Kinds:0").And.Contain("'exe'").And.NotContain(" at Miraie");

        await File.WriteAllTextAsync(policy, "{ not json");
        var broken = await SafemailProcess.RunAsync("check", WriteMessage("b.eml", attachment: TinyPdf), "--policy", policy);
        broken.ExitCode.Should().Be(78);
        broken.Error.Should().StartWith("safemail: settings file is not valid JSON");
    }

    [Test]
    public async Task Usage_errors_are_exit_code_64()
    {
        var result = await SafemailProcess.RunAsync("check", WriteMessage("a.eml", attachment: TinyPdf), "--frobnicate");
        result.ExitCode.Should().Be(64);
        result.Error.Should().StartWith("safemail: ").And.Contain("--frobnicate");
        (await SafemailProcess.RunAsync("frobnicate")).ExitCode.Should().Be(64);
        (await SafemailProcess.RunAsync("check")).ExitCode.Should().Be(64);
        var twice = await SafemailProcess.RunAsync("--lang", "ja", "--lang", "en", "health");
        twice.ExitCode.Should().Be(64, "an option given twice is a usage error, not a crash");
        twice.Error.Should().StartWith("safemail: ").And.NotContain("Unhandled exception");
    }

    [Test]
    public async Task A_message_without_recipients_asks_for_them()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("tanaka@example.co.jp"));
        message.Subject = "no recipients";
        message.Body = new TextPart("plain") { Text = "hello" };
        var path = Path.Combine(_dir, "norcpt.eml");
        await message.WriteToAsync(path);
        var result = await SafemailProcess.RunAsync("check", path);
        result.ExitCode.Should().Be(65);
        result.Error.Should().Contain("--to");
    }
}
