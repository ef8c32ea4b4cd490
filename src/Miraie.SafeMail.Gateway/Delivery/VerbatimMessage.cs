using System.Buffers;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// A <see cref="MimeMessage"/> that serialises to exactly the gateway's header lines followed by the stored bytes, so
/// that MailKit's <see cref="MailKit.Net.Smtp.SmtpClient"/> (pipelining, SIZE, STARTTLS, AUTH, per-recipient replies,
/// dot-stuffing) can send a message it never parses or re-encodes. MailKit 4.18 has no "send these bytes" call
/// (its maintainer explains why in MimeKit issue 499) and keeps its connection stream private, so the bytes are
/// carried by the two places MimeKit writes verbatim (ADR-013):
/// <list type="number">
/// <item>one header, marked invalid, whose raw field is the first line of the output (an invalid header is written as
/// its raw bytes alone); MimeKit then writes the CRLF that ends it;</item>
/// <item>a body part, with no header of its own, whose content is everything after that first line, copied from the
/// spool as stored.</item>
/// </list>
/// <see cref="RecordingSmtpClient"/> skips MailKit's <c>Prepare</c> step (which would re-encode long lines) and
/// reports <see cref="Length"/> as the SIZE, so nothing is measured by writing the message twice.
/// </summary>
internal sealed class VerbatimMessage : MimeMessage
{
    private const int ScanBuffer = 64 * 1024;

    private VerbatimMessage(byte[] firstLine, byte[] rest, Stream content, long contentOffset, long length, bool eightBit, bool eightBitHeaders)
    {
        Headers.Clear();
        Headers.Add(new RawLine(firstLine));
        Body = new RawBody(rest, content, contentOffset, eightBit);
        Length = length;
        EightBitHeaders = eightBitHeaders;
    }

    /// <summary>The number of bytes the message serialises to: the added lines plus the stored message.</summary>
    public long Length { get; }

    /// <summary>True when the header section holds 8-bit bytes (UTF-8 headers): SMTPUTF8 is asked for where the server offers it.</summary>
    public bool EightBitHeaders { get; }

    /// <summary>How MailKit is told to send it: international (SMTPUTF8) only when the headers need it.</summary>
    public FormatOptions SendOptions
    {
        get
        {
            var options = FormatOptions.Default.Clone();
            options.International = EightBitHeaders;
            return options;
        }
    }

    /// <summary>
    /// Reads <paramref name="content"/> once to learn whether it holds 8-bit bytes (BODY=8BITMIME, SMTPUTF8), then wraps
    /// <paramref name="added"/> (CRLF-terminated header lines, possibly empty) and it. <paramref name="content"/> must be
    /// seekable; it is read again, from the start, each time the message is written, and stays owned by the caller.
    /// </summary>
    public static async Task<VerbatimMessage> CreateAsync(byte[] added, Stream content, CancellationToken cancellationToken)
    {
        var (eightBit, eightBitHeaders) = await ScanAsync(content, cancellationToken).ConfigureAwait(false);
        eightBitHeaders |= added.AsSpan().ContainsAnyExceptInRange((byte)0, (byte)0x7F);
        var length = added.Length + content.Length;
        content.Position = 0;
        if (added.Length == 0)
        {
            // Mail the gateway wrote itself carries no added lines: its own first line opens the output.
            var head = await ReadFirstLineAsync(content, cancellationToken).ConfigureAwait(false);
            return new VerbatimMessage(head.Line, [], content, head.Next, length, eightBit, eightBitHeaders);
        }

        var newline = added.AsSpan().IndexOf((byte)'\n');
        if (newline < 0 || !added.AsSpan().EndsWith("\r\n"u8))
        {
            throw new ArgumentException("added header lines must end with CRLF", nameof(added));
        }

        var firstLine = added[..(newline > 0 && added[newline - 1] == '\r' ? newline - 1 : newline)];
        return new VerbatimMessage(firstLine, added[(newline + 1)..], content, 0, length, eightBit, eightBitHeaders);
    }

    private static async Task<(bool EightBit, bool EightBitHeaders)> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        content.Position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(ScanBuffer);
        try
        {
            var eightBit = false;
            var eightBitHeaders = false;
            var inHeaders = true;
            var tail = 0u; // the last bytes seen, to find CRLF CRLF across reads
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, ScanBuffer), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                var headerPart = span;
                if (inHeaders)
                {
                    for (var i = 0; i < span.Length; i++)
                    {
                        tail = (tail << 8) | span[i];
                        if (tail == 0x0D0A0D0A || (tail & 0xFFFF) == 0x0A0A)
                        {
                            headerPart = span[..(i + 1)];
                            inHeaders = false;
                            break;
                        }
                    }

                    eightBitHeaders |= headerPart.ContainsAnyExceptInRange((byte)0, (byte)0x7F);
                }

                eightBit = eightBit || eightBitHeaders || span.ContainsAnyExceptInRange((byte)0, (byte)0x7F);
                if (eightBit && !inHeaders)
                {
                    break; // nothing more to learn
                }
            }

            return (eightBit, eightBitHeaders);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<(byte[] Line, long Next)> ReadFirstLineAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(content.Length, 64 * 1024)];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            var newline = buffer.AsSpan(0, length).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = newline > 0 && buffer[newline - 1] == '\r' ? newline - 1 : newline;
                return (buffer[..end], newline + 1);
            }
        }

        throw new InvalidDataException("the stored message has no line break in its first 64 KiB");
    }

    /// <summary>The first output line. Invalid headers are written as their raw field bytes and nothing else.</summary>
    private sealed class RawLine(byte[] line) : Header(ParserOptions.Default, line, [], invalid: true);

    /// <summary>The rest of the output, with no MIME headers of its own; "8bit" only so that MailKit asks for BODY=8BITMIME.</summary>
    private sealed class RawBody : MimePart
    {
        private readonly byte[] _rest;
        private readonly Stream _content;
        private readonly long _contentOffset;
        private readonly bool _frozen;

        public RawBody(byte[] rest, Stream content, long contentOffset, bool eightBit)
        {
            _rest = rest;
            _content = content;
            _contentOffset = contentOffset;
            if (eightBit)
            {
                ContentTransferEncoding = ContentEncoding.EightBit; // MailKit's only signal for BODY=8BITMIME
            }

            _frozen = true; // from here on the encoding stays as set while the header that carried it is dropped
            Headers.Clear();
        }

        protected override void OnHeadersChanged(HeaderListChangedAction action, Header? header)
        {
            if (!_frozen)
            {
                base.OnHeadersChanged(action, header);
            }
        }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Never re-encoded: the bytes go out as they were accepted.
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            stream.Write(_rest);
            _content.Position = _contentOffset;
            _content.CopyTo(stream, ScanBuffer);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            await stream.WriteAsync(_rest, cancellationToken).ConfigureAwait(false);
            _content.Position = _contentOffset;
            await _content.CopyToAsync(stream, ScanBuffer, cancellationToken).ConfigureAwait(false);
        }
    }
}
