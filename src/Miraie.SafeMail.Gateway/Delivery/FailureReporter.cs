using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Writes the delivery status notification (配送エラー通知, RFC 3464) for recipients that failed for good, as a message of
/// its own: stored in <c>outbound/</c>, sent with the null sender to the original sender through the normal queue.
/// Also for a password mail (sent with the original's sender, who must learn that a recipient has no password); none
/// for the gateway's other mail or a null-sender original — a bounce is never bounced.
/// </summary>
public sealed class FailureReporter(MessageStore store, DeliveryStatusNotification reports, OutboundMail outbound)
{
    /// <summary>The DSN to queue (its bytes already stored), or null when none is due.</summary>
    public async Task<MessageRecord?> PrepareAsync(MessageRecord original, IReadOnlyList<DsnRecipient> failed, CancellationToken cancellationToken)
    {
        if (original.Origin is not (MessageOrigin.Smtp or MessageOrigin.Password) || original.EnvelopeFrom.Length == 0 || failed.Count == 0)
        {
            return null;
        }

        byte[] headers;
        await using (var content = await store.OpenAsync(original, cancellationToken).ConfigureAwait(false))
        {
            headers = await DeliveryStatusNotification.ReadHeaderSectionAsync(content, cancellationToken).ConfigureAwait(false);
        }

        var report = reports.Create(new UndeliveredMessage
        {
            QueueId = original.Id,
            ArrivalDate = original.ReceivedAt,
            EnvelopeSender = original.EnvelopeFrom,
            OriginalMessage = headers,
            Recipients = failed,
        });
        return report is null ? null : await outbound.StoreAsync(report, MessageOrigin.Dsn, original.EnvelopeFrom, "dsn", DeliveryStatusNotification.EnvelopeSender, cancellationToken).ConfigureAwait(false);
    }
}
