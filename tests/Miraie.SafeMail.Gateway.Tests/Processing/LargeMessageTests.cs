using System.Globalization;
using System.Text;
using MimeKit;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Processing;

/// <summary>
/// A message larger than the spill threshold goes to disk while it arrives, is inspected from there and delivered byte
/// for byte; when the disk refuses it the client hears 451 (never 250); one over the size limit hears 552 and may go on.
/// </summary>
public class LargeMessageTests
{
    private const int Threshold = 64 * 1024;
    private const string Sender = "tanaka@example.co.jp";
    private const string Recipient = "suzuki@example.co.jp";

    private CapturingSmtpServer _upstream = null!;
    private TestGateway _gateway = null!;

    private string Incoming => Path.Combine(_gateway.DataDirectory, "spool", "incoming");

    [SetUp]
    public async Task SetUp()
    {
        _upstream = await CapturingSmtpServer.StartAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
            ["SafeMail:Delivery:Smarthost:Port"] = _upstream.Port.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Delivery:Smarthost:Tls"] = "None",
            ["SafeMail:Smtp:SpillThresholdBytes"] = Threshold.ToString(CultureInfo.InvariantCulture),
            ["SafeMail:Smtp:MaxMessageBytes"] = (2 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    /// <summary>About <paramref name="kilobytes"/> KB: a long Japanese text body and the AES ZIP attachment.</summary>
    private static byte[] LargeMail(int kilobytes)
    {
        var line = "お世話になっております。見積書を送付いたします。ご確認のほどよろしくお願いいたします。\r\n";
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString()) < kilobytes * 1024)
        {
            text.Append(line);
        }

        var message = TestMessages.Mail(Sender, [Recipient], "大きな見積書", TestMessages.AesZip, "見積書.zip");
        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add("見積書.zip", TestMessages.AesZip);
        message.Body = body.ToMessageBody();
        return TestMessages.Bytes(message);
    }

    private async Task<RawSmtpClient> StartDataAsync()
    {
        var client = await RawSmtpClient.ConnectAsync("127.0.0.1", _gateway.Smtp.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
        (await client.CommandAsync($"MAIL FROM:<{Sender}>")).Code.Should().Be(250);
        (await client.CommandAsync($"RCPT TO:<{Recipient}>")).Code.Should().Be(250);
        (await client.CommandAsync("DATA")).Code.Should().Be(354);
        return client;
    }

    [Test]
    public async Task A_message_over_the_threshold_is_written_to_disk_as_it_arrives_then_inspected_and_delivered_byte_for_byte()
    {
        var original = LargeMail(400);
        var stuffed = RawMail.Stuff(original);
        await using var client = await StartDataAsync();
        await client.SendAsync(stuffed.AsMemory(0, 3 * Threshold));

        // Mid-message: the bytes so far are in a private file under spool/incoming, not waiting in memory.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] parts;
        while ((parts = Directory.GetFiles(Incoming, "*.part")).Length == 0 || new FileInfo(parts[0]).Length < 2 * Threshold)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the arriving message should be spilled to spool/incoming");
            await Task.Delay(20);
        }

        await client.SendAsync(stuffed.AsMemory(3 * Threshold));
        var reply = await client.CommandAsync(".");
        reply.Code.Should().Be(250, reply.Text);
        Directory.GetFiles(Incoming).Should().BeEmpty("the spill file is deleted once the message is stored");

        var received = (await _upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))).Single();
        RawMail.AfterAddedHeaders(received.Data.Span).Should().Equal(original);

        await using var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync();
        var record = (await MessageTable.GetAsync(connection, Mailer.QueueIdOf(reply.Text)))!;
        record.Size.Should().Be(original.Length);
        record.AttachmentKinds.Should().Contain("zip", "the attachment was read from the spilled file");
        record.Verdict.Should().Be("pass");
    }

    [Test]
    public async Task A_failure_while_spilling_answers_451_never_250_and_the_retry_is_delivered()
    {
        var original = LargeMail(200);
        Directory.Delete(Incoming, recursive: true);
        await File.WriteAllTextAsync(Incoming, "not a directory"); // as root, permissions would not stop us: break the path instead

        var refused = await RawMail.SendAsync(_gateway.Smtp, original, Sender, Recipient);
        refused.Code.Should().Be(451, refused.Text);
        refused.Text.Should().StartWith("4.3.0");
        await using (var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync())
        {
            (await MessageTable.ListAsync(connection, "1 = 1", new Dictionary<string, object?>(), 10)).Should().BeEmpty("nothing was acknowledged");
        }

        File.Delete(Incoming);
        Directory.CreateDirectory(Incoming);
        (await RawMail.SendAsync(_gateway.Smtp, original, Sender, Recipient)).Code.Should().Be(250);
        var received = (await _upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))).Single();
        RawMail.AfterAddedHeaders(received.Data.Span).Should().Equal(original);
    }

    [Test]
    public async Task A_message_over_the_size_limit_gets_552_after_its_end_and_the_session_goes_on()
    {
        await using var client = await StartDataAsync();
        await client.SendAsync(RawMail.Stuff(LargeMail(3 * 1024)));
        var reply = await client.CommandAsync(".");
        reply.Code.Should().Be(552, reply.Text);
        reply.Text.Should().StartWith("5.3.4");
        Directory.GetFiles(Incoming).Should().BeEmpty();
        (await client.CommandAsync("NOOP")).Code.Should().Be(250, "the session stays usable: the client can send smaller mail");
    }
}
