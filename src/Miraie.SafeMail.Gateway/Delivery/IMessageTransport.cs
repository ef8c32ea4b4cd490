namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Where delivered mail goes: a smarthost over SMTP, or the pickup folder. Two real implementations; the delivery
/// service does not care which.
/// </summary>
public interface IMessageTransport : IAsyncDisposable
{
    /// <summary>Tries to deliver <paramref name="message"/> once; returns one outcome per recipient and never throws for a delivery problem.</summary>
    Task<IReadOnlyList<RecipientOutcome>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>For health checks and logs: <c>smtp://host:port</c> or <c>pickup:/path</c>.</summary>
    string Description { get; }
}
