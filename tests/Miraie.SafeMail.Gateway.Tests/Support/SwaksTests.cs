using MimeKit;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>The real swaks against the capturing server.</summary>
public sealed class SwaksTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("swaks-tests-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Swaks_body_and_attachment_reach_both_recipients_intact()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        var attachment = Path.Combine(_dir, "report.bin");
        var content = new byte[50_000];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(attachment, content);

        var result = await new Swaks(server.Host, server.Port)
        {
            From = "sender@src.test",
            To = ["a@dst.test", "b@dst.test"],
            Body = "Please find the report attached.",
            Attachments = [attachment],
        }.RunAsync();

        result.ExitCode.Should().Be(0, result.Transcript);
        var captured = server.Messages.Should().ContainSingle().Subject;
        captured.From.Should().Be("sender@src.test");
        captured.Recipients.Should().Equal("a@dst.test", "b@dst.test");
        var message = await MimeMessage.LoadAsync(new MemoryStream(captured.Data.ToArray()));
        var part = message.Attachments.OfType<MimePart>().Should().ContainSingle().Subject;
        using var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded);
        decoded.ToArray().Should().Equal(content);
        message.TextBody.Should().Contain("Please find the report attached.");
    }

    [Test]
    public async Task Swaks_data_file_with_LF_line_ends_arrives_with_CRLF_and_otherwise_unchanged()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        var eml = Path.Combine(_dir, "message.eml");
        const string Lf = "From: sender@src.test\nTo: rcpt@dst.test\nSubject: data file\n\nline one\n.dot line\nline three";
        await File.WriteAllTextAsync(eml, Lf);
        var withFinalNewline = Path.Combine(_dir, "final-newline.eml");
        await File.WriteAllTextAsync(withFinalNewline, Lf + "\n");

        var result = await new Swaks(server.Host, server.Port) { DataFile = eml }.RunAsync();
        var second = await new Swaks(server.Host, server.Port) { DataFile = withFinalNewline }.RunAsync();

        result.ExitCode.Should().Be(0, result.Transcript);
        second.ExitCode.Should().Be(0, second.Transcript);
        var expected = Lf.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";
        server.Messages.Select(m => m.Text).Should().Equal(
            [expected, expected + "\r\n"],
            "swaks always ends DATA with <CRLF>.<CRLF> after the file, so a final newline in the file becomes an empty last line");
    }

    [TestCase("PLAIN")]
    [TestCase("LOGIN")]
    public async Task Swaks_STARTTLS_and_AUTH_are_seen_by_the_server(string mechanism)
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions
        {
            StartTls = true,
            AuthUser = "relay-user",
            AuthPassword = "pa55-word",
            AuthenticationRequired = true,
        });

        var result = await new Swaks(server.Host, server.Port)
        {
            Tls = true,
            AuthType = mechanism,
            AuthUser = "relay-user",
            AuthPassword = "pa55-word",
        }.RunAsync();

        result.ExitCode.Should().Be(0, result.Transcript);
        result.Transcript.Should().Contain("STARTTLS").And.Contain($"AUTH {mechanism}");
        var captured = server.Messages.Should().ContainSingle().Subject;
        captured.IsSecure.Should().BeTrue();
        captured.AuthenticatedUser.Should().Be("relay-user");
    }

    [Test]
    public async Task Swaks_reports_a_refused_recipient_in_its_exit_code_and_transcript()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        server.SetRecipientReply("unknown@dst.test", "550 5.1.1 user unknown");

        var result = await new Swaks(server.Host, server.Port) { To = ["unknown@dst.test"] }.RunAsync();

        result.ExitCode.Should().NotBe(0);
        result.Transcript.Should().Contain("550 5.1.1 user unknown");
        server.Transactions.Should().BeEmpty();
    }

    [Test]
    public async Task A_missing_swaks_fails_with_the_install_command()
    {
        var missing = new Swaks("127.0.0.1", 9) { Executable = Path.Combine(_dir, "no-such-swaks") };

        var thrown = await FluentActions.Awaiting(() => missing.RunAsync()).Should().ThrowAsync<InvalidOperationException>();

        thrown.Which.Message.Should().Contain(Swaks.InstallCommand);
    }
}
