using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// With PostgreSQL: copies of the bytes of messages this node has just queued, kept until their first delivery attempt
/// opens them, so that the node that accepted a message delivers it without reading it back from the database (measured:
/// the read-back was a quarter of the server's statement time per 100 KB message, docs/benchmarks.md). The row in
/// <c>message_bytes</c> stays the durable copy: a message delivered by another node, retried later or not kept here is
/// read from the database as before. Bounded: messages up to <see cref="MaxMessageBytes"/>, <see cref="Budget"/> in all;
/// a new copy that does not fit lets the oldest ones go (a copy another node's delivery made useless is never taken, and
/// must not hold the budget for good). The copies live in <see cref="MessageContent"/>'s pooled chunks: a 100 KB message
/// copied into one array would be a large-object-heap allocation per message, and the collections that come with them.
/// </summary>
public sealed class RecentBytes
{
    /// <summary>Larger messages are not kept (they are read back from the database as before).</summary>
    public const long MaxMessageBytes = 1024 * 1024;

    /// <summary>At most this many bytes held in all.</summary>
    public const long Budget = 16L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Id, MessageContent Bytes)>> _kept = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, MessageContent Bytes)> _oldestFirst = new();
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="bytes"/> for message <paramref name="id"/> (this takes it over), letting the oldest copies go
    /// when the budget would be passed. False when the message is too large or already kept: the caller still owns it.
    /// </summary>
    public bool TryKeep(string id, MessageContent bytes)
    {
        if (bytes.Length > MaxMessageBytes)
        {
            return false;
        }

        lock (_lock)
        {
            if (_kept.ContainsKey(id))
            {
                return false;
            }

            while (_held + bytes.Length > Budget && _oldestFirst.First is { } oldest)
            {
                Remove(oldest);
                oldest.Value.Bytes.Dispose();
            }

            _kept[id] = _oldestFirst.AddLast((id, bytes));
            _held += bytes.Length;
            return true;
        }
    }

    /// <summary>The bytes kept for <paramref name="id"/>, once (the caller now owns them and disposes them), or null.</summary>
    public MessageContent? Take(string id)
    {
        lock (_lock)
        {
            if (!_kept.TryGetValue(id, out var node))
            {
                return null;
            }

            Remove(node);
            return node.Value.Bytes;
        }
    }

    /// <summary>A copy of <paramref name="content"/> in memory when it is small enough to be kept, else null.</summary>
    public static MessageContent? CopyOf(MessageContent content) => content.Length > MaxMessageBytes ? null : content.CopyInMemory();

    private void Remove(LinkedListNode<(string Id, MessageContent Bytes)> node)
    {
        _oldestFirst.Remove(node);
        _kept.Remove(node.Value.Id);
        _held -= node.Value.Bytes.Length;
    }
}
