using System.Collections.Concurrent;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// With PostgreSQL: copies of the bytes of messages this node has just queued, kept until their first delivery attempt
/// opens them, so that the node that accepted a message delivers it without reading it back from the database (measured:
/// the read-back was a quarter of the server's statement time per 100 KB message, docs/benchmarks.md). The row in
/// <c>message_bytes</c> stays the durable copy: a message delivered by another node, retried later or not kept here is
/// read from the database as before. Bounded: messages up to <see cref="MaxMessageBytes"/>, <see cref="Budget"/> in all;
/// past the budget (a delivery backlog) nothing more is kept until deliveries take what is held.
/// </summary>
public sealed class RecentBytes
{
    /// <summary>Larger messages are not kept (they are read back from the database as before).</summary>
    public const long MaxMessageBytes = 1024 * 1024;

    /// <summary>At most this many bytes held in all.</summary>
    public const long Budget = 16L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, byte[]> _kept = new(StringComparer.Ordinal);
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Keeps <paramref name="bytes"/> for message <paramref name="id"/>, unless that would pass the budget. True when kept.</summary>
    public bool TryKeep(string id, byte[] bytes)
    {
        if (bytes.LongLength > MaxMessageBytes || Interlocked.Add(ref _held, bytes.LongLength) > Budget)
        {
            if (bytes.LongLength <= MaxMessageBytes)
            {
                Interlocked.Add(ref _held, -bytes.LongLength);
            }

            return false;
        }

        if (_kept.TryAdd(id, bytes))
        {
            return true;
        }

        Interlocked.Add(ref _held, -bytes.LongLength);
        return false;
    }

    /// <summary>The bytes kept for <paramref name="id"/>, once (they are let go), or null.</summary>
    public byte[]? Take(string id)
    {
        if (!_kept.TryRemove(id, out var bytes))
        {
            return null;
        }

        Interlocked.Add(ref _held, -bytes.LongLength);
        return bytes;
    }

    /// <summary>A copy of <paramref name="content"/> when it is small enough to be kept, else null.</summary>
    public static byte[]? CopyOf(Spool.MessageContent content)
    {
        if (content.Length > MaxMessageBytes)
        {
            return null;
        }

        var copy = new byte[content.Length];
        using var stream = content.OpenRead();
        stream.ReadExactly(copy);
        return copy;
    }
}
