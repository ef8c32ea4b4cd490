using System.Buffers;
using System.Text;
using System.Text.Json;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// BCC変換 at delivery (ADR-018): the stored message as it goes out with its To and Cc fields (and their folded lines)
/// replaced by one <c>To: undisclosed-recipients:;</c> where the first of them stood, and every other byte as stored. Only
/// the header section is read into memory and rewritten, by hand on the raw lines (never MimeKit, which would re-encode);
/// the body is streamed from the stored bytes. The envelope is not touched: every recipient still gets the message.
/// </summary>
internal static class UndisclosedRecipients
{
    /// <summary>The verdict stored for <see cref="PolicyAction.ConvertToBcc"/> (<c>convert-to-bcc</c>).</summary>
    public static readonly string Verdict = JsonNamingPolicy.KebabCaseLower.ConvertName(nameof(PolicyAction.ConvertToBcc));

    /// <summary>The group that stands for the hidden recipients (RFC 5322 §3.4, an empty group).</summary>
    public static ReadOnlySpan<byte> Group => "To: undisclosed-recipients:;"u8;

    /// <summary>
    /// A larger header section is refused (<see cref="InvalidDataException"/>: delivery tries again later and the message
    /// finally bounces) rather than sent with addresses that could not be hidden.
    /// </summary>
    public const int MaxHeaderBytes = HeaderSection.MaxScanBytes;

    /// <summary>
    /// Wraps <paramref name="stored"/> (seekable, the message as stored; owned by the result from here on) into a seekable
    /// stream of the rewritten message.
    /// </summary>
    public static async Task<Stream> OpenAsync(Stream stored, CancellationToken cancellationToken)
    {
        try
        {
            stored.Position = 0;
            var (header, end) = await ReadHeaderAsync(stored, cancellationToken).ConfigureAwait(false);
            return new SplicedStream(Rewrite(header), stored, end);
        }
        catch
        {
            await stored.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The header fields of a message (everything before the empty line that ends them) with To and Cc replaced. A line
    /// holding only white space continues the field above it, as RFC 5322 reads it, so a field folded that way is removed whole.
    /// </summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> header)
    {
        var output = new ArrayBufferWriter<byte>(header.Length + 32);
        var dropping = false;
        var placed = false;
        while (!header.IsEmpty)
        {
            var newline = header.IndexOf((byte)'\n');
            var line = newline < 0 ? header : header[..(newline + 1)];
            header = header[line.Length..];
            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var name = HeaderSection.FieldName(line);
                dropping = name.Length == 2 && (Ascii.EqualsIgnoreCase(name, "To"u8) || Ascii.EqualsIgnoreCase(name, "Cc"u8));
                if (dropping && !placed)
                {
                    output.Write(Group);
                    output.Write(line.EndsWith("\n"u8) && !line.EndsWith("\r\n"u8) ? "\n"u8 : "\r\n"u8);
                    placed = true;
                }
            }

            if (!dropping)
            {
                output.Write(line);
            }
        }

        if (!placed)
        {
            // No To or Cc at all (Bcc only): the group still says where the recipients went.
            if (output.WrittenCount > 0 && output.WrittenSpan[^1] != '\n')
            {
                output.Write("\r\n"u8);
            }

            output.Write(Group);
            output.Write("\r\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads up to the empty line that ends the header section: the header fields and where the rest starts.</summary>
    private static async Task<(byte[] Header, long End)> ReadHeaderAsync(Stream stored, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(MaxHeaderBytes + 3, 16 * 1024)];
        var length = 0;
        while (true)
        {
            var end = HeaderEnd(buffer.AsSpan(0, length));
            if (end >= 0)
            {
                return (buffer[..end], end);
            }

            if (length == buffer.Length)
            {
                if (length >= MaxHeaderBytes + 3)
                {
                    throw new InvalidDataException($"the header section is over {MaxHeaderBytes} bytes: its To and Cc cannot be hidden");
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxHeaderBytes + 3));
            }

            var read = await stored.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer[..length], length); // no body: all of it is header
            }

            length += read;
        }
    }

    /// <summary>Where the line after the header fields starts (the empty line), or -1 when it is not in <paramref name="bytes"/> yet.</summary>
    private static int HeaderEnd(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\n"u8) || bytes.StartsWith("\r\n"u8))
        {
            return 0;
        }

        var lf = bytes.IndexOf("\n\n"u8);
        var crlf = bytes.IndexOf("\n\r\n"u8);
        var at = lf < 0 ? crlf : crlf < 0 ? lf : Math.Min(lf, crlf);
        return at < 0 ? -1 : at + 1;
    }

    /// <summary>A seekable, read-only stream of <c>head</c> followed by <c>rest</c> from <c>restStart</c>; owns <c>rest</c>.</summary>
    private sealed class SplicedStream(byte[] head, Stream rest, long restStart) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length { get; } = head.Length + rest.Length - restStart;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < head.Length)
            {
                return Advance(CopyHead(buffer));
            }

            rest.Position = restStart + (_position - head.Length);
            return Advance(rest.Read(buffer));
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < head.Length)
            {
                return Advance(CopyHead(buffer.Span));
            }

            rest.Position = restStart + (_position - head.Length);
            return Advance(await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => Length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await rest.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        private int CopyHead(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, head.Length - _position);
            head.AsSpan((int)_position, count).CopyTo(buffer);
            return count;
        }

        private int Advance(int read)
        {
            _position += read;
            return read;
        }
    }
}
