using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// <c>safemail held</c> and <c>safemail approvals</c> as separate processes against a running <c>safemail-gateway</c>
/// process on one settings file: held mail listed, cancelled (never sent) or sent now (delivered by the gateway);
/// mail awaiting approval approved (delivered) or rejected with a reason (the sender told); late or unknown ids refused.
/// </summary>
[NonParallelizable]
public partial class WaitingCommandsTests
{
    private const string Sender = "tanaka@example.co.jp";
    private string _data = null!;
    private string _settings = null!;
    private GatewayProcess _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _data = Directory.CreateTempSubdirectory("safemail-waiting-").FullName;
        _gateway = await GatewayProcess.StartAsync(_data, new Dictionary<string, object?>
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = _data, ["NodeId"] = "waiting-node", ["ServerName"] = "gw.waiting.test" },
            ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
            ["Policy"] = new Dictionary<string, object?>
            {
                ["InternalDomains"] = new[] { "example.co.jp" },
                ["Rules"] = new object[]
                {
                    new Dictionary<string, object?>
                    {
                        ["Name"] = "approve-partner", ["Action"] = "Approve", ["Approvers"] = new[] { "boss@example.co.jp" },
                        ["When"] = new Dictionary<string, object?> { ["RecipientDomains"] = new[] { "partner.example.com" } },
                    },
                    new Dictionary<string, object?>
                    {
                        ["Name"] = "hold-external", ["Action"] = "Hold", ["HoldFor"] = "01:00:00",
                        ["When"] = new Dictionary<string, object?> { ["Recipients"] = "AnyExternal" },
                    },
                    new Dictionary<string, object?> { ["Name"] = "default-pass", ["Action"] = "Pass" },
                },
            },
        });
        _settings = Path.Combine(_data, "settings.json");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Test]
    public async Task Held_mail_is_listed_cancelled_for_good_or_sent_now_and_a_late_action_says_why()
    {
        var stop = await SendAsync("buyer@customer.example.com", "誤送信");
        var go = await SendAsync("buyer@customer.example.com", "至急");

        var list = await SafemailIn("ja", "held", "list");
        list.ExitCode.Should().Be(0, list.Error);
        list.Out.Should().Contain("送信保留中 2件").And.Contain(stop).And.Contain(go).And.Contain("buyer@customer.example.com（社外）").And.Contain("送信予定");
        using (var json = JsonDocument.Parse((await Safemail("held", "list", "--json")).Out))
        {
            json.RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().BeEquivalentTo([stop, go]);
        }

        var cancel = await SafemailIn("ja", "held", "cancel", stop, "--by", "yamada");
        cancel.ExitCode.Should().Be(0, cancel.Error);
        cancel.Out.Should().Contain("送信を取り消しました");
        var again = await Safemail("held", "cancel", stop);
        again.ExitCode.Should().Be(65);
        again.Error.Trim().Should().Be($"safemail: {stop}: This message was already cancelled.");

        (await Safemail("held", "send-now", go)).ExitCode.Should().Be(0);
        await WaitForPickupAsync(1);
        var late = await Safemail("held", "cancel", go);
        late.ExitCode.Should().Be(65);
        late.Error.Should().Contain("already been sent");
        (await Safemail("held", "cancel", "06H0000000000000")).ExitCode.Should().Be(66, "an unknown id");

        await Task.Delay(2500);
        var delivered = Directory.GetFiles(Path.Combine(_data, "pickup"), "*.eml");
        delivered.Should().ContainSingle("only the message sent now went out");
        (await File.ReadAllTextAsync(delivered[0])).Should().Contain($"id={go}");
        (await Safemail("held", "list")).Out.Should().Contain("0 held");
    }

    [Test]
    public async Task Approvals_are_listed_with_their_approvers_rejected_only_with_a_reason_and_approved_into_delivery()
    {
        var approve = await SendAsync("sales@partner.example.com", "契約書");
        var reject = await SendAsync("sales@partner.example.com", "価格表");

        var list = await Safemail("approvals", "list");
        list.ExitCode.Should().Be(0, list.Error);
        list.Out.Should().Contain("2 awaiting approval").And.Contain("approvers boss@example.co.jp").And.Contain(approve).And.Contain(reject);

        var noReason = await Safemail("approvals", "reject", reject);
        noReason.ExitCode.Should().Be(64);
        (await Safemail("approvals", "reject", reject, "--reason", "宛先の会社が違います", "--by", "yamada")).ExitCode.Should().Be(0);
        (await Safemail("approvals", "approve", approve, "--by", "yamada")).ExitCode.Should().Be(0);
        (await Safemail("approvals", "approve", reject)).ExitCode.Should().Be(65, "a rejected message cannot be approved afterwards");

        // The approval requests to the boss (2), the approved message, and a notice each to the sender (approved, rejected).
        var files = await WaitForPickupAsync(5);
        var texts = await Task.WhenAll(files.Select(f => File.ReadAllTextAsync(f)));
        texts.Should().ContainSingle(t => t.Contains($"id={approve}"));
        texts.Should().NotContain(t => t.Contains($"id={reject}"), "a rejected message is never sent");
        texts.Count(t => t.Contains($"To: {Sender}")).Should().Be(2);
        (await Safemail("approvals", "list")).Out.Should().Contain("0 awaiting approval");
    }

    private Task<SafemailProcess.Result> Safemail(params string[] args) => SafemailProcess.RunAsync(["--settings", _settings, .. args]);

    private Task<SafemailProcess.Result> SafemailIn(string language, params string[] args) =>
        SafemailProcess.RunInAsync(language, null, ["--settings", _settings, .. args]);

    private async Task<string[]> WaitForPickupAsync(int count)
    {
        var pickup = Path.Combine(_data, "pickup");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (!Directory.Exists(pickup) || Directory.GetFiles(pickup, "*.envelope.json").Length < count))
        {
            await Task.Delay(100);
        }

        return Directory.Exists(pickup) ? Directory.GetFiles(pickup, "*.eml") : [];
    }

    private async Task<string> SendAsync(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Sender));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "お世話になっております。" };
        using var client = new SmtpClient { LocalDomain = "client.test" };
        await client.ConnectAsync("127.0.0.1", _gateway.Smtp.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return reply[(reply.LastIndexOf(' ') + 1)..];
    }
}
