using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>The capturing upstream server, driven by MailKit's SmtpClient (what the gateway delivers with).</summary>
public sealed class CapturingSmtpServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task MailKit_message_arrives_byte_identical_with_its_envelope()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        var raw = SampleMessages.Multipart();
        var message = await MimeMessage.LoadAsync(new MemoryStream(raw));

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.SendAsync(message, new MailboxAddress(null, "sender@src.test"), [new MailboxAddress(null, "a@dst.test"), new MailboxAddress(null, "b@dst.test")]);
            await client.DisconnectAsync(true);
        }

        var captured = server.Messages.Should().ContainSingle().Subject;
        captured.From.Should().Be("sender@src.test");
        captured.Recipients.Should().Equal("a@dst.test", "b@dst.test");
        captured.Data.ToArray().Should().Equal(raw, "the dot-stuffed lines, 8-bit UTF-8 and the base64 part must come out as they went in");
        captured.Parameters.Should().ContainKey("BODY").WhoseValue.Should().Be("8BITMIME");
        captured.IsSecure.Should().BeFalse();
    }

    [Test]
    public async Task Per_recipient_rejections_reach_MailKit_and_only_accepted_recipients_are_recorded()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        server.SetRecipientReply("unknown@dst.test", "550 5.1.1 user unknown");
        server.SetRecipientReply("busy@dst.test", "451 4.3.0 try later");
        var message = SampleMessages.Simple("per-recipient");
        var recipients = new[] { "ok@dst.test", "unknown@dst.test", "busy@dst.test" }.Select(a => new MailboxAddress(null, a)).ToList();

        // MailKit's default: the first refused recipient aborts the send with an exception.
        using (var strict = new SmtpClient())
        {
            await strict.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            var thrown = await FluentActions.Awaiting(() => strict.SendAsync(message, new MailboxAddress(null, "s@src.test"), recipients))
                .Should().ThrowAsync<SmtpCommandException>();
            thrown.Which.ErrorCode.Should().Be(SmtpErrorCode.RecipientNotAccepted);
            thrown.Which.StatusCode.Should().Be(SmtpStatusCode.MailboxUnavailable);
            thrown.Which.Mailbox?.Address.Should().Be("unknown@dst.test");
            thrown.Which.Message.Should().Be("5.1.1 user unknown, 4 retry(ies) remaining.",
                "SmtpServer appends its retry count to a reply thrown from a mailbox filter");
        }

        server.Transactions.Should().BeEmpty();

        // A client that overrides OnRecipientNotAccepted carries on with the accepted recipient.
        using (var tolerant = new RecipientRecordingSmtpClient())
        {
            await tolerant.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await tolerant.SendAsync(message, new MailboxAddress(null, "s@src.test"), recipients);
            tolerant.Refused.Should().Equal(("unknown@dst.test", SmtpStatusCode.MailboxUnavailable), ("busy@dst.test", SmtpStatusCode.ErrorInProcessing));
        }

        server.Messages.Should().ContainSingle().Which.Recipients.Should().Equal("ok@dst.test");
        server.RecipientAttempts.Select(a => $"{a.Address} {a.Reply.Code}").Should().Equal(
            "ok@dst.test 250", "unknown@dst.test 550", "busy@dst.test 451",
            "ok@dst.test 250", "unknown@dst.test 550", "busy@dst.test 451");
    }

    [TestCase("451 4.3.0 try again later", SmtpStatusCode.ErrorInProcessing)]
    [TestCase("554 5.7.1 rejected by policy", SmtpStatusCode.TransactionFailed)]
    public async Task A_queued_end_of_DATA_reply_answers_one_transaction_then_the_default_returns(string reply, SmtpStatusCode expected)
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        server.EnqueueDataReply(reply);
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);

        var thrown = await FluentActions.Awaiting(() => client.SendAsync(SampleMessages.Simple("first")))
            .Should().ThrowAsync<SmtpCommandException>();
        thrown.Which.ErrorCode.Should().Be(SmtpErrorCode.MessageNotAccepted);
        thrown.Which.StatusCode.Should().Be(expected);
        thrown.Which.Message.Should().Be(reply[4..], "an end-of-DATA reply goes out exactly as scripted");

        await client.SendAsync(SampleMessages.Simple("second"));
        server.Transactions.Select(t => t.Reply.Code).Should().Equal(int.Parse(reply[..3], System.Globalization.CultureInfo.InvariantCulture), 250);
        server.Messages.Should().ContainSingle().Which.Text.Should().Contain("Subject: second");
    }

    [TestCase("PLAIN")]
    [TestCase("LOGIN")]
    public async Task STARTTLS_and_AUTH_work_with_MailKit_pinning_the_test_certificate(string mechanism)
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions
        {
            StartTls = true,
            AuthUser = "relay-user",
            AuthPassword = "s3cret-パス",
        });
        using var client = PinnedClient(server);

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
        client.IsSecure.Should().BeTrue();
        client.AuthenticationMechanisms.Should().Contain(["PLAIN", "LOGIN"]);
        client.AuthenticationMechanisms.RemoveWhere(m => m != mechanism);
        await client.AuthenticateAsync("relay-user", "s3cret-パス");
        await client.SendAsync(SampleMessages.Simple("over TLS"));

        var captured = server.Messages.Should().ContainSingle().Subject;
        captured.IsSecure.Should().BeTrue();
        captured.AuthenticatedUser.Should().Be("relay-user");
    }

    [Test]
    public async Task AUTH_is_offered_only_after_STARTTLS_and_a_wrong_password_is_refused()
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions
        {
            StartTls = true,
            AuthUser = "relay-user",
            AuthPassword = "right",
        });

        using (var plain = new SmtpClient())
        {
            await plain.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            plain.Capabilities.Should().HaveFlag(SmtpCapabilities.StartTLS);
            plain.Capabilities.Should().NotHaveFlag(SmtpCapabilities.Authentication);
        }

        using var client = PinnedClient(server);
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
        await FluentActions.Awaiting(() => client.AuthenticateAsync("relay-user", "wrong"))
            .Should().ThrowAsync<AuthenticationException>();
    }

    [Test]
    public async Task Implicit_TLS_works_with_MailKit()
    {
        await using var server = await CapturingSmtpServer.StartAsync(new CapturingSmtpServerOptions { ImplicitTls = true });
        using var client = PinnedClient(server);

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.SslOnConnect);
        await client.SendAsync(SampleMessages.Simple("implicit"));

        server.Messages.Should().ContainSingle().Which.IsSecure.Should().BeTrue();
    }

    [Test]
    public async Task Connection_reuse_shows_in_the_per_connection_counters()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        using (var reused = new SmtpClient())
        {
            await reused.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            for (var i = 0; i < 3; i++)
            {
                await reused.SendAsync(SampleMessages.Simple($"reused {i}"));
            }

            await reused.DisconnectAsync(true);
        }

        using (var single = new SmtpClient())
        {
            await single.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await single.SendAsync(SampleMessages.Simple("single"));
        }

        server.ConnectionCount.Should().Be(2);
        server.TransactionsPerConnection.Should().Equal(3, 1);
        server.Messages.Select(m => (m.ConnectionNumber, m.TransactionNumber)).Should().Equal((1, 1), (1, 2), (1, 3), (2, 1));
    }

    [Test]
    public async Task Down_refuses_connections_and_drops_open_ones_then_up_again_listens_on_the_same_port()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        var port = server.Port;
        using var connected = new SmtpClient();
        await connected.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await connected.SendAsync(SampleMessages.Simple("before"));

        await server.StopAsync();

        server.IsUp.Should().BeFalse();
        await FluentActions.Awaiting(() => connected.SendAsync(SampleMessages.Simple("on a dropped connection")))
            .Should().ThrowAsync<Exception>("the open connection was dropped");
        using (var refused = new SmtpClient())
        {
            var thrown = await FluentActions.Awaiting(() => refused.ConnectAsync(server.Host, port, SecureSocketOptions.None))
                .Should().ThrowAsync<SocketException>();
            thrown.Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        }

        await server.RestartAsync();

        server.Port.Should().Be(port);
        using var again = new SmtpClient();
        await again.ConnectAsync(server.Host, port, SecureSocketOptions.None);
        await again.SendAsync(SampleMessages.Simple("after"));
        server.Messages.Select(m => m.ConnectionNumber).Should().Equal(1, 2);
    }

    [Test]
    public async Task WaitForMessagesAsync_completes_on_arrival_and_times_out_with_what_it_saw()
    {
        await using var server = await CapturingSmtpServer.StartAsync();
        var waiting = server.WaitForMessagesAsync(2, Wait);
        waiting.IsCompleted.Should().BeFalse();

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.SendAsync(SampleMessages.Simple("one"));
            await client.SendAsync(SampleMessages.Simple("two"));
        }

        (await waiting).Should().HaveCount(2);
        var timedOut = await FluentActions.Awaiting(() => server.WaitForMessagesAsync(3, TimeSpan.FromMilliseconds(200)))
            .Should().ThrowAsync<TimeoutException>();
        timedOut.Which.Message.Should().Contain("1 connection(s), 2 transaction(s)");
    }

    private static SmtpClient PinnedClient(CapturingSmtpServer server)
    {
        var pinned = server.Certificate!.GetCertHashString();
        return new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
        };
    }

    /// <summary>A MailKit client that records refused recipients instead of aborting the send.</summary>
    private sealed class RecipientRecordingSmtpClient : SmtpClient
    {
        public List<(string Address, SmtpStatusCode Status)> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
            => Refused.Add((mailbox.Address, response.StatusCode));
    }
}
