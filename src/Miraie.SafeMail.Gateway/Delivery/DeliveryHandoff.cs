using System.Threading.Channels;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Ids of messages this node has leased and should deliver now. The accept path hands over new mail directly; the
/// delivery service's poll hands over what the database says is due (retries, releases, work left by a stopped node).
/// </summary>
public sealed class DeliveryHandoff
{
    private readonly Channel<(string Id, Storage.Messages.MessageRecord? Record)> _ready =
        Channel.CreateUnbounded<(string, Storage.Messages.MessageRecord?)>(new UnboundedChannelOptions { SingleWriter = false });

    /// <summary>
    /// Hands a leased message to the delivery workers. The accept path passes the record it just committed, which
    /// saves the worker a database read; everyone else passes only the id.
    /// </summary>
    public void Enqueue(string id, Storage.Messages.MessageRecord? justCommitted = null) => _ready.Writer.TryWrite((id, justCommitted));

    /// <summary>The messages, as they come.</summary>
    public ChannelReader<(string Id, Storage.Messages.MessageRecord? Record)> Reader => _ready.Reader;

    /// <summary>How many ids wait for a worker.</summary>
    public int Count => _ready.Reader.Count;
}
