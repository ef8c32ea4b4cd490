using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// The operator's commands as separate processes against a running <c>safemail-gateway</c> process, both reading one
/// settings file: the quarantine as the gateway stored it, release through the gateway's delivery, the audit trail,
/// and <c>health</c> before and after the gateway dies.
/// </summary>
[NonParallelizable]
public class OperatorCommandsTests
{
    private string _data = null!;
    private string _settings = null!;
    private GatewayProcess _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _data = Directory.CreateTempSubdirectory("safemail-ops-").FullName;
        _gateway = await GatewayProcess.StartAsync(_data, new Dictionary<string, object?>
        {
            ["Gateway"] = new Dictionary<string, object?> { ["DataDirectory"] = _data, ["NodeId"] = "ops-node", ["ServerName"] = "gw.ops.test" },
            ["Smtp"] = new Dictionary<string, object?> { ["Endpoints"] = new[] { new Dictionary<string, object?> { ["Address"] = "127.0.0.1", ["Port"] = 0 } } },
            ["Policy"] = new Dictionary<string, object?> { ["InternalDomains"] = new[] { "example.co.jp" } },
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
    public async Task Quarantined_mail_is_listed_shown_released_once_and_delivered_with_the_operator_recorded()
    {
        var id = await SendSampleAsync();

        var list = await Safemail("quarantine", "list");
        list.ExitCode.Should().Be(0, list.Error);
        list.Out.Should().Contain("1 quarantined").And.Contain(id).And.Contain("buyer@customer.example.com");
        list.Out.Should().Contain("External mail with attachments that are not encrypted [external-unprotected]", "the rule in words, its id beside it");
        list.Out.Should().Contain("田中 太郎 <tanaka@example.co.jp> → ", "the From display name beside the envelope sender");
        list.Out.Should().MatchRegex(@"\d{4}/\d\d/\d\d \d\d:\d\d JST  ", "times in the display zone, which is named");
        (await SafemailIn("ja", "quarantine", "list")).Out.Should().Contain("社外宛てで暗号化されていない添付ファイル [external-unprotected]");

        var json = await Safemail("quarantine", "list", "--json");
        using (var listed = JsonDocument.Parse(json.Out))
        {
            listed.RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Equal(id);
        }

        var show = await Safemail("quarantine", "show", id);
        show.ExitCode.Should().Be(0, show.Error);
        show.Out.Should().Contain("Subject: 御見積書送付の件").And.Contain("見積書.pdf").And.Contain("buyer@customer.example.com (external)");

        var release = await Safemail("quarantine", "release", id, "--by", "yamada");
        release.ExitCode.Should().Be(0, release.Error);
        var pickup = Path.Combine(_data, "pickup");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (!Directory.Exists(pickup) || Directory.GetFiles(pickup, "*.envelope.json").Length == 0))
        {
            await Task.Delay(100);
        }

        Directory.GetFiles(pickup, "*.eml").Should().ContainSingle("the running gateway delivers what the command released");

        var again = await Safemail("quarantine", "release", id);
        again.ExitCode.Should().Be(65);
        again.Error.Trim().Should().Be($"safemail: cannot release {id}: already released");

        var history = await Safemail("quarantine", "show", id, "--json");
        using var shown = JsonDocument.Parse(history.Out);
        shown.RootElement.GetProperty("history").EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString()))
            .Should().Contain(("cli:yamada", "release")).And.Contain(("cli:" + Environment.UserName, "release-refused"), "the refused second release is audited");
        (await Safemail("quarantine", "list")).Out.Should().Contain("0 quarantined");
    }

    [Test]
    public async Task Executable_mail_is_released_from_the_command_line_only_with_a_reason_which_the_audit_log_keeps()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("佐藤 花子", "sato@example.co.jp"));
        message.To.Add(MailboxAddress.Parse("suzuki@example.co.jp"));
        message.Subject = "設定ツール";
        var body = new BodyBuilder { TextBody = "設定用のスクリプトです。" };
        body.Attachments.Add("setup.sh", "#!/bin/sh\necho installing\n"u8.ToArray());
        message.Body = body.ToMessageBody();
        var id = await SendAsync(message);

        var show = await SafemailIn("ja", "quarantine", "show", id);
        show.Out.Should().Contain("差出人（From）: 佐藤 花子 <sato@example.co.jp>").And.Contain("解放には理由が必要です（--reason）: 偽装ファイル・実行ファイルを含みます（setup.sh）");

        var refused = await Safemail("quarantine", "release", id, "--by", "yamada");
        refused.ExitCode.Should().Be(77);
        refused.Error.Trim().Should().Be($"safemail: cannot release {id}: disguised or executable content (setup.sh); to release it anyway, give --reason \"why\" (kept in the audit log)");
        var tooLong = await Safemail("quarantine", "release", id, "--reason", new string('x', 501));
        tooLong.ExitCode.Should().Be(64);

        var released = await Safemail("quarantine", "release", id, "--by", "yamada", "--reason", "社内の検証環境向けで、情報システム部が確認済み");
        released.ExitCode.Should().Be(0, released.Error);

        var history = await Safemail("quarantine", "show", id, "--json");
        using var shown = JsonDocument.Parse(history.Out);
        var entries = shown.RootElement.GetProperty("history").EnumerateArray()
            .Select(e => (Actor: e.GetProperty("actor").GetString(), Action: e.GetProperty("action").GetString(), Detail: e.TryGetProperty("detail", out var d) ? d.GetString() : null))
            .ToList();
        entries.Should().Contain(("cli:yamada", "release-refused", "偽装ファイル・実行ファイルを含むため、解放の理由が必要です / disguised or executable content: a reason is required: setup.sh"));
        entries.Should().Contain(("cli:yamada", "release", "理由 / reason: 社内の検証環境向けで、情報システム部が確認済み; 偽装ファイル・実行ファイル / disguised or executable: setup.sh"));
    }

    [Test]
    public async Task Deleted_mail_leaves_the_quarantine_and_an_unknown_id_is_a_clear_error()
    {
        var id = await SendSampleAsync();

        var delete = await Safemail("quarantine", "delete", id, "--by", "sato");
        delete.ExitCode.Should().Be(0, delete.Error);
        (await Safemail("quarantine", "list")).Out.Should().Contain("0 quarantined").And.NotContain(id);

        var missing = await Safemail("quarantine", "show", "0000000000000000");
        missing.ExitCode.Should().Be(65);
        missing.Error.Trim().Should().Be("safemail: no such message: 0000000000000000");
    }

    [Test]
    public async Task Health_is_ok_while_the_gateway_runs_and_fails_once_it_is_killed()
    {
        var healthy = await Safemail("health");
        healthy.ExitCode.Should().Be(0, healthy.Out);
        healthy.Out.Should().Contain("OK  node ops-node: running").And.Contain("OK  spool: writable").And.Contain($"SMTP 127.0.0.1:{_gateway.Smtp.Port}: 220");
        healthy.Out.Should().MatchRegex(@"OK  retention purge: (ok \(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d JST, purged 0\)|not run yet \(the node just started\))");

        _gateway.Kill();
        var dead = await Safemail("health");
        dead.ExitCode.Should().Be(1);
        dead.Out.Should().Contain($"NG  SMTP 127.0.0.1:{_gateway.Smtp.Port}: cannot connect");
    }

    private Task<SafemailProcess.Result> Safemail(params string[] args) => SafemailProcess.RunAsync(["--settings", _settings, .. args]);

    private Task<SafemailProcess.Result> SafemailIn(string language, params string[] args) =>
        SafemailProcess.RunInAsync(language, null, ["--settings", _settings, .. args]);

    private async Task<string> SendSampleAsync() =>
        await SendAsync(await MimeMessage.LoadAsync(Path.Combine(SafemailProcess.RepositoryRoot, "docs", "samples", "quote-plain-pdf.eml")));

    private async Task<string> SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient { LocalDomain = "client.test" };
        await client.ConnectAsync("127.0.0.1", _gateway.Smtp.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return reply[(reply.LastIndexOf(' ') + 1)..];
    }
}
