namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// With PostgreSQL: copies of the bytes of messages this node has just queued, kept until their first delivery attempt
/// opens them, so that the node that accepted a message delivers it without reading it back from the database (measured:
/// the read-back was a quarter of the server's statement time per 100 KB message, docs/benchmarks.md). The row in
/// <c>message_bytes</c> stays the durable copy: a message delivered by another node, retried later or not kept here is
/// read from the database as before. Bounded: messages up to <see cref="MaxMessageBytes"/>, <see cref="Budget"/> in all;
/// a new copy that does not fit lets the oldest ones go (a copy another node's delivery made useless is never taken, and
/// must not hold the budget for good).
/// </summary>
public sealed class RecentBytes
{
    /// <summary>Larger messages are not kept (they are read back from the database as before).</summary>
    public const long MaxMessageBytes = 1024 * 1024;

    /// <summary>At most this many bytes held in all.</summary>
    public const long Budget = 16L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Id, byte[] Bytes)>> _kept = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, byte[] Bytes)> _oldestFirst = new();
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
    /// Keeps <paramref name="bytes"/> for message <paramref name="id"/>, letting the oldest copies go when the budget
    /// would be passed. False when the message is too large or already kept.
    /// </summary>
    public bool TryKeep(string id, byte[] bytes)
    {
        if (bytes.LongLength > MaxMessageBytes)
        {
            return false;
        }

        lock (_lock)
        {
            if (_kept.ContainsKey(id))
            {
                return false;
            }

            while (_held + bytes.LongLength > Budget && _oldestFirst.First is { } oldest)
            {
                Remove(oldest);
            }

            _kept[id] = _oldestFirst.AddLast((id, bytes));
            _held += bytes.LongLength;
            return true;
        }
    }

    /// <summary>The bytes kept for <paramref name="id"/>, once (they are let go), or null.</summary>
    public byte[]? Take(string id)
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

    /// <summary>A copy of <paramref name="content"/> when it is small enough to be kept, else null.</summary>
    public static byte[]? CopyOf(Spool.MessageContent content)
    {
        if (content.Length > MaxMessageBytes)
        {
            return null;
        }

        var copy = GC.AllocateUninitializedArray<byte>(checked((int)content.Length)); // filled at once below: no need to zero it first
        using var stream = content.OpenRead();
        stream.ReadExactly(copy);
        return copy;
    }

    private void Remove(LinkedListNode<(string Id, byte[] Bytes)> node)
    {
        _oldestFirst.Remove(node);
        _kept.Remove(node.Value.Id);
        _held -= node.Value.Bytes.LongLength;
    }
}
