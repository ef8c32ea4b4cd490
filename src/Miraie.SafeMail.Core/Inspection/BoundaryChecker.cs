using System.Buffers;
using System.Text;
using MimeKit;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Finds multiparts whose closing delimiter (<c>--boundary--</c>) never appears: the mark of a truncated message.
/// MimeKit repairs such messages silently (and keeps the fact internal), so the raw bytes are searched once.
/// </summary>
internal static class BoundaryChecker
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>True when some multipart directly in <paramref name="body"/> (not in attached messages) is never closed.</summary>
    public static async Task<bool> AnyUnclosedAsync(Stream raw, MimeEntity body, CancellationToken cancellationToken)
    {
        var delimiters = new List<byte[]>();
        Collect(body, delimiters);
        if (delimiters.Count == 0 || !raw.CanSeek)
        {
            return false;
        }

        var pending = new List<byte[]>(delimiters);
        var overlap = delimiters.Max(d => d.Length) - 1;
        // Pooled: a fresh array per message would be zeroed and, at this size, be garbage for every mail the gateway takes.
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + overlap);
        try
        {
            var carried = 0;
            raw.Position = 0;
            int read;
            while (pending.Count > 0 && (read = await raw.ReadAsync(buffer.AsMemory(carried, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var window = buffer.AsSpan(0, carried + read);
                for (var i = pending.Count - 1; i >= 0; i--)
                {
                    if (window.IndexOf(pending[i]) >= 0)
                    {
                        pending.RemoveAt(i);
                    }
                }

                carried = Math.Min(overlap, window.Length);
                window[^carried..].CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return pending.Count > 0;
    }

    private static void Collect(MimeEntity entity, List<byte[]> delimiters)
    {
        if (entity is Multipart multipart)
        {
            if (!string.IsNullOrEmpty(multipart.Boundary))
            {
                delimiters.Add(Encoding.UTF8.GetBytes("--" + multipart.Boundary + "--"));
            }

            foreach (var child in multipart)
            {
                Collect(child, delimiters);
            }
        }
    }
}
