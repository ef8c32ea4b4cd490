namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>Where and how accepted mail goes. Bound from <c>SafeMail:Delivery</c>.</summary>
public sealed class DeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Delivery";

    /// <summary>The upstream MTA. When null or without a host, mail is written to <see cref="PickupDirectory"/> (the embedded default).</summary>
    public SmarthostOptions? Smarthost { get; set; }

    /// <summary>Folder for delivered .eml files when no smarthost is set. Default <c>pickup</c> under the data directory.</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>Parallel deliveries (and upstream connections). Default 4.</summary>
    public int MaxParallel { get; set; } = 4;

    /// <summary>First retry after a temporary failure; doubles each time. Default 1 minute.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between retries. Default 1 hour.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a message is retried before it is returned to its sender. Default 2 days.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// How long a queued message stays leased to the node delivering it (every node of a cluster must use the same). A node
    /// that dies holding leases (kill -9, power loss) has its messages delivered by another node once this has passed; a
    /// node that stops gracefully hands them back at once. Longer than the slowest delivery of one message. Default 5 minutes.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMinutes(5);
}
