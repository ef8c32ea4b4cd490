using System.Buffers;
using System.Buffers.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Decodes a base64 body that <see cref="Base64Validator"/> has found valid, with .NET's vectorised decoder: MIME's line
/// breaks (and spaces) are dropped, whole groups of four decoded, an unpadded last group left out as MimeKit leaves it. The
/// result is byte for byte what MimeKit's decoder gives for valid input, at a fraction of its cost: MimeKit decodes one
/// byte at a time, and was a tenth of the gateway's CPU for mail with a 100 KB attachment (docs/benchmarks.md, issue 11).
/// Only for input the validator passed: anything else it does not expect throws <see cref="InvalidDataException"/>.
/// </summary>
internal static class Base64Decoder
{
    private const int ChunkSize = 64 * 1024;

    private static readonly SearchValues<byte> Space = SearchValues.Create("\r\n \t"u8);

    /// <summary>Decodes <paramref name="encoded"/> (from its start) into <paramref name="output"/>.</summary>
    public static async Task DecodeAsync(Stream encoded, Stream output, CancellationToken cancellationToken)
    {
        encoded.Position = 0;
        var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var text = ArrayPool<byte>.Shared.Rent(ChunkSize + 4);
        var bytes = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(ChunkSize + 4));
        try
        {
            var pending = 0; // characters in text not decoded yet
            int read;
            while ((read = await encoded.ReadAsync(input.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                pending = Compact(input.AsSpan(0, read), text, pending);

                // Keep the last group back: it may be the padded final one, decoded only when the input ends.
                var whole = pending - (pending % 4 == 0 ? 4 : pending % 4);
                if (whole > 0)
                {
                    var written = Decode(text.AsSpan(0, whole), bytes, final: false);
                    await output.WriteAsync(bytes.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                    text.AsSpan(whole, pending - whole).CopyTo(text);
                    pending -= whole;
                }
            }

            // An unpadded last group (2 or 3 characters) is left out, as MimeKit's decoder leaves it.
            pending -= pending % 4;
            if (pending > 0)
            {
                var written = DecodeLast(text.AsSpan(0, pending), bytes);
                await output.WriteAsync(bytes.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(text);
            ArrayPool<byte>.Shared.Return(bytes);
            encoded.Position = 0;
        }
    }

    /// <summary>Appends the characters of <paramref name="chunk"/> that are not white space to <paramref name="text"/> after <paramref name="length"/>.</summary>
    private static int Compact(ReadOnlySpan<byte> chunk, byte[] text, int length)
    {
        while (!chunk.IsEmpty)
        {
            var space = chunk.IndexOfAny(Space);
            var run = space < 0 ? chunk : chunk[..space];
            run.CopyTo(text.AsSpan(length));
            length += run.Length;
            if (space < 0)
            {
                break;
            }

            chunk = chunk[(space + 1)..];
        }

        return length;
    }

    /// <summary>
    /// The last groups, the padded one among them. .NET refuses a padded group whose unused bits are not zero ("QR==");
    /// MimeKit ignores those bits, and so does every mail reader: that group alone is decoded by MimeKit's decoder.
    /// </summary>
    private static int DecodeLast(ReadOnlySpan<byte> text, byte[] bytes)
    {
        var status = Base64.DecodeFromUtf8(text, bytes, out var consumed, out var written, isFinalBlock: true);
        if (status == OperationStatus.Done && consumed == text.Length)
        {
            return written;
        }

        var body = Decode(text[..^4], bytes, final: false);
        var last = text[^4..].ToArray();
        var decoder = new MimeKit.Encodings.Base64Decoder();
        var tail = new byte[decoder.EstimateOutputLength(last.Length)];
        var length = decoder.Decode(last, 0, last.Length, tail);
        tail.AsSpan(0, length).CopyTo(bytes.AsSpan(body));
        return body + length;
    }

    private static int Decode(ReadOnlySpan<byte> text, Span<byte> bytes, bool final)
    {
        var status = Base64.DecodeFromUtf8(text, bytes, out var consumed, out var written, isFinalBlock: final);
        if (status != OperationStatus.Done || consumed != text.Length)
        {
            throw new InvalidDataException($"base64 decoding stopped: {status} after {consumed} of {text.Length} characters");
        }

        return written;
    }
}
