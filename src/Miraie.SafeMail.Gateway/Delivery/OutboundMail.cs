using Microsoft.Extensions.Options;
using MimeKit;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Mail the gateway writes itself (delivery reports, quarantine notices, password mails): stored durably in
/// <c>outbound/</c> and described as a queued message, so it travels the normal delivery path without being inspected
/// (it carries no attachment). Reports and notices go with the null envelope sender and are never bounced; a password
/// mail goes with the original sender's, so a recipient that refuses it is reported to them.
/// </summary>
public sealed class OutboundMail(MessageStore store, GatewayIdentity identity, IOptions<DeliveryOptions> delivery, TimeProvider time)
{
    /// <summary>
    /// Stores <paramref name="message"/> for <paramref name="recipient"/>, to be sent with <paramref name="envelopeFrom"/>
    /// ("" for the null sender); the caller inserts the returned record (and hands it to delivery).
    /// </summary>
    public async Task<MessageRecord> StoreAsync(MimeMessage message, string origin, string recipient, string rule, string envelopeFrom,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = QueueId.New(now);
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            await message.WriteToAsync(format, buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        string? path;
        using (var content = MessageContent.FromBytes(bytes))
        {
            path = await store.KeepAsync("outbound", id, content, cancellationToken).ConfigureAwait(false);
        }

        return new MessageRecord
        {
            Id = id,
            ReceivedAt = now,
            NodeId = identity.NodeId,
            EnvelopeFrom = envelopeFrom,
            Subject = message.Subject,
            HeaderFrom = message.From.Mailboxes.FirstOrDefault()?.Address,
            MessageIdHeader = message.MessageId,
            Size = bytes.Length,
            FilePath = path,
            State = MessageState.Queued,
            Verdict = "pass",
            Rule = rule,
            Confirmation = "absent",
            External = false,
            FindingsJson = "[]",
            NextAttemptAt = now,
            ExpiresAt = now + delivery.Value.MaxLifetime,
            Origin = origin,
            Recipients = [new RecipientRecord(recipient, false, RecipientState.Pending, null)],
        };
    }
}
