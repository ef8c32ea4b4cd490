using System.Buffers;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// A message's bytes copied into one array borrowed from the shared array pool, for a statement parameter that must be
/// contiguous; the array goes back on <see cref="Dispose"/>, so a busy node reuses the same arrays instead of allocating
/// one per message. The shared pool, as everywhere else in the product: it lets unused arrays go after a while and under
/// memory pressure, where a pool of its own would keep up to 16 arrays of every size up to 4 MiB (~128 MiB) for good.
/// </summary>
public sealed class PooledBytes : IDisposable
{
    /// <summary>The largest message copied this way.</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    private byte[]? _array;
    private readonly int _length;

    private PooledBytes(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The bytes; valid until disposed.</summary>
    public ReadOnlyMemory<byte> Memory => _array is { } array ? array.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(PooledBytes));

    /// <summary>Copies <paramref name="content"/> (at most <see cref="MaxLength"/> bytes) into a pooled array.</summary>
    public static PooledBytes CopyOf(MessageContent content)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(content.Length, MaxLength);
        var length = (int)content.Length;
        var array = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            using var stream = content.OpenRead();
            stream.ReadExactly(array, 0, length);
            return new PooledBytes(array, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
