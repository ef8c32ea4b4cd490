using System.Buffers;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Cuts the header section out of a raw message for a DSN's <c>text/rfc822-headers</c> part. The body may hold the very
/// attachment the gateway exists to stop, so this never copies anything after the first empty line, and it keeps only
/// lines that are header fields (or their folded continuations): a malformed message cannot push body lines up into
/// what we return. Written by hand rather than with MimeKit's header parser because that parser gives up on an mbox
/// <c>From </c> line or an 8-bit field name and keeps lines that are not fields at all.
/// </summary>
internal static class HeaderSection
{
    /// <summary>How much of the message is looked at; headers beyond it are left out (a message this large up top is hostile).</summary>
    public const int MaxScanBytes = 1024 * 1024;

    /// <summary>Most bytes of header fields copied; further fields are left out whole, never cut mid-field.</summary>
    public const int MaxHeaderBytes = 256 * 1024;

    /// <summary>The header fields of <paramref name="message"/> (a whole message or just its header section), each line ending in CRLF.</summary>
    public static byte[] Extract(ReadOnlySpan<byte> message)
    {
        var truncated = message.Length > MaxScanBytes;
        if (truncated)
        {
            message = message[..MaxScanBytes];
        }

        var output = new ArrayBufferWriter<byte>(Math.Min(message.Length, 16 * 1024) + 2);
        var keeping = false;
        while (!message.IsEmpty)
        {
            var newline = message.IndexOf((byte)'\n');
            if (newline < 0 && truncated)
            {
                break; // the last line was cut by the scan limit: it may be half a field
            }

            var line = newline < 0 ? message : message[..newline];
            message = newline < 0 ? [] : message[(newline + 1)..];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            if (line.TrimEnd(" \t"u8).IsEmpty)
            {
                break; // the empty line that ends the header section (a blank-looking one too: some readers treat it so)
            }

            var continuation = line[0] is (byte)' ' or (byte)'\t';
            if (!continuation)
            {
                keeping = IsField(line);
            }

            if (!keeping)
            {
                continue;
            }

            if (!continuation && output.WrittenCount + line.Length + 2 > MaxHeaderBytes)
            {
                break;
            }

            if (continuation && output.WrittenCount + line.Length + 2 > MaxHeaderBytes)
            {
                // A field too long to finish: take it out again rather than end on half of it.
                return TrimLastField(output.WrittenSpan);
            }

            output.Write(line);
            output.Write("\r\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads <paramref name="message"/> only as far as the end of its header section (or <see cref="MaxScanBytes"/>) and
    /// returns the header fields, as <see cref="Extract"/> does.
    /// </summary>
    public static async Task<byte[]> ReadAsync(Stream message, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(MaxScanBytes + 1, 64 * 1024)];
        var length = 0;
        while (length <= MaxScanBytes)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxScanBytes + 1));
            }

            var searchFrom = Math.Max(0, length - 3);
            var read = await message.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (EndsHeaders(buffer.AsSpan(searchFrom, length - searchFrom)) || StartsWithEmptyLine(buffer.AsSpan(0, length)))
            {
                break;
            }
        }

        return Extract(buffer.AsSpan(0, length));
    }

    /// <summary>field-name = 1*ftext (printable ASCII but ':'), then optional white space and ':' (RFC 5322 §3.6.8, obs-optional).</summary>
    private static bool IsField(ReadOnlySpan<byte> line) => !FieldName(line).IsEmpty;

    /// <summary>The name of the field <paramref name="line"/> starts (without the white space before its ':'); empty when it starts none.</summary>
    internal static ReadOnlySpan<byte> FieldName(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (i < line.Length && line[i] is >= 33 and <= 126 and not (byte)':')
        {
            i++;
        }

        var name = line[..i];
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        return i < line.Length && line[i] == (byte)':' ? name : [];
    }

    private static bool EndsHeaders(ReadOnlySpan<byte> bytes) =>
        bytes.IndexOf("\n\n"u8) >= 0 || bytes.IndexOf("\n\r\n"u8) >= 0;

    private static bool StartsWithEmptyLine(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith("\n"u8) || bytes.StartsWith("\r\n"u8);

    private static byte[] TrimLastField(ReadOnlySpan<byte> written)
    {
        // Walk back to the start of the last line that is not a continuation.
        var end = written.Length;
        while (end > 0)
        {
            var start = written[..(end - 2)].LastIndexOf((byte)'\n') + 1;
            if (written[start] is not ((byte)' ' or (byte)'\t'))
            {
                return written[..start].ToArray();
            }

            end = start;
        }

        return [];
    }
}
