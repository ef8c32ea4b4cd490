namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// The raw client against the capturing server. Besides proving the helper, these pin down what SmtpServer 11.1.0
/// does with malformed SMTP: the gateway is built on the same library and inherits every line here.
/// </summary>
public sealed class RawSmtpClientTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(700);

    [Test]
    public async Task Greeting_and_multi_line_EHLO_reply_are_read_whole()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(server.Host, server.Port);

        var greeting = await client.ReadReplyAsync();
        var ehlo = await client.CommandAsync("EHLO raw.test");

        greeting.Code.Should().Be(220);
        greeting.Text.Should().StartWith("capture.test");
        ehlo.Code.Should().Be(250);
        ehlo.Lines.Should().HaveCountGreaterThan(1);
        ehlo.Lines[0].Should().StartWith("250-capture.test");
        ehlo.TextLines.Should().Contain(["PIPELINING", "8BITMIME", "SMTPUTF8"]);
    }

    [Test]
    public async Task Pipelined_commands_in_one_write_get_one_reply_each_in_order()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenAsync(server);

        await client.SendAsync("MAIL FROM:<a@src.test>\r\nRCPT TO:<b@dst.test>\r\nRCPT TO:<c@dst.test>\r\nDATA\r\n");
        var replies = new[] { await client.ReadReplyAsync(), await client.ReadReplyAsync(), await client.ReadReplyAsync(), await client.ReadReplyAsync() };
        await client.SendAsync("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n");

        replies.Select(r => r.Code).Should().Equal(250, 250, 250, 354);
        (await client.ReadReplyAsync()).Code.Should().Be(250);
        (await client.ReadReplyAsync()).Code.Should().Be(221);
        var captured = server.Messages.Should().ContainSingle().Subject;
        captured.Recipients.Should().Equal("b@dst.test", "c@dst.test");
        captured.Text.Should().Be("Subject: pipelined\r\n\r\nbody\r\n", "the CRLF before the final dot ends the last line and belongs to the message");
    }

    [Test]
    public async Task Dot_stuffed_lines_are_unstuffed_except_on_the_first_line_of_DATA()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenTransactionAsync(server);

        await client.SendAsync("..first line starts with a dot\r\n\r\n..middle\r\n...\r\nlast\r\n.\r\n");

        (await client.ReadReplyAsync()).Code.Should().Be(250);
        server.Messages.Should().ContainSingle().Which.Text.Should().Be(
            "..first line starts with a dot\r\n\r\n.middle\r\n..\r\nlast\r\n",
            "SmtpServer 11.1.0 unstuffs only after a CRLF inside its buffer, so a dot-stuffed FIRST line keeps both dots");
    }

    [Test]
    public async Task Bare_LF_is_not_a_command_terminator()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenAsync(server);

        await client.SendAsync("NOOP\n");
        (await client.TryReadReplyAsync(Silence)).Should().BeNull("SmtpServer waits for CRLF; a bare LF ends nothing");

        await client.SendAsync("MAIL FROM:<a@src.test>\nRCPT TO:<b@dst.test>\r\n");
        var reply = await client.ReadReplyAsync();
        reply.ToString().Should().Be("502 Unrecognized command, 4 retry(ies) remaining.", "'NOOP<LF>MAIL FROM:…<LF>RCPT TO:…' arrives as one unrecognised command line");
        server.RecipientAttempts.Should().BeEmpty();
    }

    [Test]
    public async Task Bare_LF_and_bare_CR_inside_DATA_reach_the_message_store_unchanged()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenTransactionAsync(server);

        await client.SendAsync("Subject: bare\nX-Other: y\r\n\r\nline with bare LF\nline with bare CR\rend\r\n.\r\n");

        (await client.ReadReplyAsync()).Code.Should().Be(250);
        server.Messages.Should().ContainSingle().Which.Text.Should().Be("Subject: bare\nX-Other: y\r\n\r\nline with bare LF\nline with bare CR\rend\r\n");
    }

    [TestCase("\n.\r\n", TestName = "Smuggling_pattern_LF_dot_CRLF_does_not_end_DATA")]
    [TestCase("\r\n.\n", TestName = "Smuggling_pattern_CRLF_dot_LF_does_not_end_DATA")]
    [TestCase("\n.\n", TestName = "Smuggling_pattern_LF_dot_LF_does_not_end_DATA")]
    [TestCase("\r.\r\n", TestName = "Smuggling_pattern_CR_dot_CRLF_does_not_end_DATA")]
    [TestCase("\r\n.\r", TestName = "Smuggling_pattern_CRLF_dot_CR_does_not_end_DATA")]
    public async Task Smuggling_patterns_do_not_end_DATA_and_are_kept_in_the_message(string fakeEnd)
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenTransactionAsync(server);
        var smuggled = "MAIL FROM:<ceo@victim.test>\r\nRCPT TO:<finance@victim.test>\r\nDATA\r\nSubject: smuggled\r\n\r\npay now\r\n";

        await client.SendAsync("Subject: innocent\r\n\r\nhello" + fakeEnd + smuggled);
        (await client.TryReadReplyAsync(Silence)).Should().BeNull("the fake end must not close DATA");
        await client.SendAsync(".\r\n");

        (await client.ReadReplyAsync()).Code.Should().Be(250);
        (await client.TryReadReplyAsync(Silence)).Should().BeNull("no second transaction is started from inside the message");
        var captured = server.Transactions.Should().ContainSingle().Subject;
        captured.Recipients.Should().Equal("b@dst.test");
        captured.Text.Should().Be("Subject: innocent\r\n\r\nhello" + fakeEnd + smuggled,
            "SmtpServer keeps the bare CR/LF bytes: a gateway relaying them raw could smuggle into a laxer next hop");
    }

    [Test]
    public async Task End_of_DATA_split_into_one_byte_segments_is_recognised()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenTransactionAsync(server);

        await client.SendBytewiseAsync("Subject: slow\r\n\r\nbody\r\n.\r\n");

        (await client.ReadReplyAsync()).Code.Should().Be(250);
        server.Messages.Should().ContainSingle().Which.Text.Should().Be("Subject: slow\r\n\r\nbody\r\n");
    }

    [Test]
    public async Task An_empty_message_is_never_terminated()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenTransactionAsync(server);

        await client.SendAsync(".\r\n");

        (await client.TryReadReplyAsync(Silence)).Should().BeNull(
            "SmtpServer looks for CRLF.CRLF and the CRLF of the DATA command line is already consumed: the session hangs until its SessionTimeout");
        server.Transactions.Should().BeEmpty();
    }

    [Test]
    public async Task Overlong_lines_have_no_limit_without_a_maximum_message_size()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenAsync(server);
        var longLine = new string('x', 1_000_000);

        var noop = await client.CommandAsync("NOOP " + longLine);
        noop.Code.Should().Be(502, "a 1 MB command line is buffered whole, then refused only because NOOP takes no argument");

        await client.CommandAsync("MAIL FROM:<a@src.test>");
        await client.CommandAsync("RCPT TO:<b@dst.test>");
        (await client.CommandAsync("DATA")).Code.Should().Be(354);
        await client.SendAsync("Subject: long\r\n\r\n" + longLine + "\r\n.\r\n");
        (await client.ReadReplyAsync()).Code.Should().Be(250, "a 1 MB DATA line (RFC 5322 allows 998) is accepted as is");
        server.Messages.Should().ContainSingle().Which.Data.Length.Should().Be(17 + 1_000_000 + 2);
    }

    [Test]
    public async Task A_strict_maximum_message_size_also_caps_command_lines_and_closes_the_connection()
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions { MaxMessageSize = 64 * 1024 });
        await using var client = await OpenAsync(server);

        await client.SendAsync("NOOP " + new string('x', 100_000));

        var reply = await client.ReadReplyAsync();
        reply.Code.Should().Be(552);
        reply.Text.Should().Be("message size exceeds fixed maximium message size");
        (await client.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
    }

    [Test]
    public async Task Five_failed_commands_in_a_row_end_the_session_without_a_reply()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        await using var client = await OpenAsync(server);

        var replies = new List<SmtpReply>();
        for (var i = 0; i < 5; i++)
        {
            replies.Add(await client.CommandAsync("XYZZY"));
        }

        replies.Select(r => r.ToString()).Should().Equal(
            "502 Unrecognized command, 4 retry(ies) remaining.",
            "502 Unrecognized command, 3 retry(ies) remaining.",
            "502 Unrecognized command, 2 retry(ies) remaining.",
            "502 Unrecognized command, 1 retry(ies) remaining.",
            "502 Unrecognized command, 0 retry(ies) remaining.");
        (await client.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("after MaxRetryCount (5) failures the session loop just stops");
    }

    [Test]
    public async Task Commands_injected_before_the_TLS_handshake_are_discarded()
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions { StartTls = true });
        await using var client = await OpenAsync(server);

        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\n");
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        await client.StartTlsAsync(server.Certificate!);

        var rcpt = await client.CommandAsync("RCPT TO:<b@dst.test>");
        rcpt.Code.Should().NotBe(250, "had the plaintext MAIL FROM sent with STARTTLS been executed, RCPT would be accepted");
        rcpt.ToString().Should().Be("501 expected NOOP/RSET/QUIT/AUTH/HELO/EHLO/MAIL, 4 retry(ies) remaining.",
            "SmtpServer answers a command out of sequence with 501 (not RFC 5321's 503)");
        client.Transcript.Should().NotContain(l => l.Contains("discarded", StringComparison.Ordinal), "the server sent nothing after its 220");
        client.IsSecure.Should().BeTrue();
    }

    [Test]
    public async Task SessionTimeout_limits_the_whole_session_even_when_it_is_busy()
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions { SessionTimeout = TimeSpan.FromSeconds(1) });
        await using var client = await OpenAsync(server);
        var started = DateTime.UtcNow;

        var noops = 0;
        var writeRefused = false;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(5) && !client.IsClosedByServer)
        {
            try
            {
                await client.SendLineAsync("NOOP");
            }
            catch (IOException)
            {
                writeRefused = true; // the server closed the socket between our last read and this write: the same cut
                break;
            }

            if ((await client.TryReadReplyAsync(TimeSpan.FromSeconds(2)))?.Code == 250)
            {
                noops++;
            }
        }

        (client.IsClosedByServer || writeRefused).Should().BeTrue("a session that sends NOOP all the time is still cut at SessionTimeout");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(4));
        noops.Should().BeGreaterThan(10);
        // SmtpServer writes "221 The session has be cancelled." with the already-cancelled token: depending on timing the
        // client sees it or just the close (both seen in CI). Either way the session ends; nothing else may follow.
        client.Transcript.SkipWhile(l => !l.StartsWith("S: 221", StringComparison.Ordinal)).Skip(1)
            .Should().NotContain(l => l.StartsWith("S: ", StringComparison.Ordinal) && l != "S: (connection closed)", "no reply after the cut, only the close");
    }

    [Test]
    public async Task Invalid_base64_in_AUTH_PLAIN_faults_the_session_and_drops_the_connection()
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions
        {
            AuthUser = "u",
            AuthPassword = "p",
            AllowUnsecureAuthentication = true,
        });
        await using var client = await OpenAsync(server);

        await client.SendLineAsync("AUTH PLAIN abcde"); // base64 characters, impossible length

        (await client.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("FormatException escapes SmtpServer's command loop");
        client.Transcript.Should().NotContain(l => l.StartsWith("S: 5", StringComparison.Ordinal), "no reply is sent before the connection drops");
        server.SessionFaults.Should().ContainSingle().Which.Should().BeOfType<FormatException>();
    }

    private static async Task<RawSmtpClient> OpenAsync(CapturingSmtpServer server)
    {
        var client = await RawSmtpClient.ConnectAsync(server.Host, server.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO raw.test")).Code.Should().Be(250);
        return client;
    }

    private static async Task<RawSmtpClient> OpenTransactionAsync(CapturingSmtpServer server)
    {
        var client = await OpenAsync(server);
        (await client.CommandAsync("MAIL FROM:<a@src.test>")).Code.Should().Be(250);
        (await client.CommandAsync("RCPT TO:<b@dst.test>")).Code.Should().Be(250);
        (await client.CommandAsync("DATA")).Code.Should().Be(354);
        return client;
    }
}
