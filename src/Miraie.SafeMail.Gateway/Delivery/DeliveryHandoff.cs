using System.Threading.Channels;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Ids of messages this node has leased and should deliver now. The accept path hands over new mail directly; the
/// delivery service's poll hands over what the database says is due (retries, releases, work left by a stopped node).
/// </summary>
public sealed class DeliveryHandoff
{
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });

    /// <summary>Hands a leased message id to the delivery workers.</summary>
    public void Enqueue(string id) => _ready.Writer.TryWrite(id);

    /// <summary>The ids, as they come.</summary>
    public ChannelReader<string> Reader => _ready.Reader;

    /// <summary>How many ids wait for a worker.</summary>
    public int Count => _ready.Reader.Count;
}
