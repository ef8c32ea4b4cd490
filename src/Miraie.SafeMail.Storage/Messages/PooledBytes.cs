using System.Buffers;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// A message's bytes copied into one array borrowed from a pool of its own, for a statement parameter that must be
/// contiguous; the array goes back to the pool on <see cref="Dispose"/>. The pool keeps a few arrays per size up to
/// <see cref="MaxLength"/>, so a busy node reuses the same ones instead of allocating one per message.
/// </summary>
public sealed class PooledBytes : IDisposable
{
    /// <summary>The largest message copied this way.</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(MaxLength, maxArraysPerBucket: 16);

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
        var array = Pool.Rent(length);
        try
        {
            using var stream = content.OpenRead();
            stream.ReadExactly(array, 0, length);
            return new PooledBytes(array, length);
        }
        catch
        {
            Pool.Return(array);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            Pool.Return(array);
        }
    }
}
