using Miraie.SafeMail.Gateway.Spool;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>Writes the delivery status notification for recipients that failed for good, as a message of its own to queue.</summary>
public sealed class FailureReporter(SpoolStore spool, GatewayIdentity identity)
{
    /// <summary>The DSN to queue (its bytes already stored), or null when none is due (null sender, or the gateway's own mail).</summary>
    public Task<MessageRecord?> PrepareAsync(MessageRecord original, IReadOnlyList<RecipientOutcome> failures, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (original.Origin != MessageOrigin.Smtp || original.EnvelopeFrom.Length == 0 || failures.Count == 0)
        {
            return Task.FromResult<MessageRecord?>(null);
        }

        _ = (spool, identity, now, cancellationToken); // the RFC 3464 builder lands with the DSN work
        return Task.FromResult<MessageRecord?>(null);
    }
}
