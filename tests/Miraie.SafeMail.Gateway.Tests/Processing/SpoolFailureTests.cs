using MailKit.Net.Smtp;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Processing;

/// <summary>250 only when durable: when the spool cannot be written the client is told to retry, and nothing is lost or half-delivered.</summary>
public class SpoolFailureTests
{
    [Test]
    public async Task An_unwritable_spool_answers_451_and_the_retried_message_is_delivered_once()
    {
        await using var gateway = await TestGateway.StartAsync();
        var message = TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "社内連絡");

        // Break the spool for real: the current segment is closed and the folder replaced by a file, so creating the next segment fails.
        await gateway.BreakSpoolAsync();

        var send = () => Mailer.SendAsync(gateway.Smtp, message, "tanaka@example.co.jp", "suzuki@example.co.jp");
        var refused = (await send.Should().ThrowAsync<SmtpCommandException>()).Which;
        ((int)refused.StatusCode).Should().Be(451, "the client must keep the message and retry");

        await using (var connection = await gateway.Get<SafeMailDatabase>().OpenAsync())
        {
            (await MessageTable.ListAsync(connection, "state <> 'rejected'", new Dictionary<string, object?>(), 10)).Should().BeEmpty("nothing half-stored may be delivered");
        }

        await gateway.RepairSpoolAsync();
        var reply = await send();
        reply.Should().StartWith("2.0.0 Ok: queued as ");
        (await gateway.WaitForPickupAsync(1)).Should().ContainSingle();
    }
}
