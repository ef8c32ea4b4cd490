namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Checks base64 transfer encoding strictly. MimeKit's decoder skips characters it does not understand, which is
/// right for reading mail but would let a damaged (or deliberately garbled) attachment be inspected as something
/// other than what the recipient's program will see; the gateway treats such parts as unknown instead.
/// </summary>
internal static class Base64Validator
{
    public static async Task<bool> IsValidAsync(Stream encoded, CancellationToken cancellationToken)
    {
        if (!encoded.CanSeek)
        {
            return true;
        }

        encoded.Position = 0;
        var buffer = new byte[65536];
        long significant = 0;
        var padding = 0;
        int read;
        while ((read = await encoded.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                switch (b)
                {
                    case (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t':
                        continue;
                    case (byte)'=':
                        padding++;
                        significant++;
                        if (padding > 2)
                        {
                            return false;
                        }

                        continue;
                    case (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'+' or (byte)'/':
                        if (padding > 0)
                        {
                            return false; // data after the padding
                        }

                        significant++;
                        continue;
                    default:
                        return false;
                }
            }
        }

        encoded.Position = 0;

        // A group of four that lost characters cannot be decoded back to what was sent (one leftover character never can).
        return significant % 4 != 1 && (padding == 0 || significant % 4 == 0);
    }
}
