using System.Text;
using Miraie.SafeMail.Core.Inspection;
using MimeKitBase64Decoder = MimeKit.Encodings.Base64Decoder;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>The vectorised decoder gives exactly what MimeKit's gives, for every valid base64 body a mailer writes.</summary>
public class Base64DecoderTests
{
    [Test]
    public async Task Decodes_as_MimeKit_does_whatever_the_line_length_line_ending_and_size([Values(0, 1, 2, 3, 57, 4095, 65536, 200_003)] int size)
    {
        var random = new Random(size);
        var data = new byte[size];
        random.NextBytes(data);
        foreach (var (lineLength, ending) in new[] { (76, "\r\n"), (64, "\n"), (4, "\r\n"), (1000, " \r\n"), (int.MaxValue, "") })
        {
            var text = Wrap(Convert.ToBase64String(data), lineLength, ending) + ending;
            (await FastAsync(text)).Should().Equal(MimeKitDecode(text), $"line length {lineLength}");
            (await FastAsync(text)).Should().Equal(data);
        }
    }

    [Test]
    public async Task An_unpadded_last_group_and_a_non_canonical_one_decode_as_MimeKit_reads_them()
    {
        foreach (var text in new[] { "QQ", "QUI", "QUJD\r\nRA", "QR==", "QUJDQR==", "QUJ=", "QUK=", "QUJDRA\r\n\r\n", "  QUJD  RA== \r\n" })
        {
            (await FastAsync(text)).Should().Equal(MimeKitDecode(text), text);
        }
    }

    [Test]
    public async Task A_chunk_boundary_inside_a_group_or_between_the_padding_changes_nothing()
    {
        // 64 KiB reads: groups and "==" cut across reads at every offset near the boundary.
        for (var shift = 0; shift < 8; shift++)
        {
            var data = new byte[(65536 / 4 * 3) + shift];
            new Random(shift).NextBytes(data);
            var text = new string(' ', shift) + Convert.ToBase64String(data);
            (await FastAsync(text)).Should().Equal(data, $"shift {shift}");
        }
    }

    private static async Task<byte[]> FastAsync(string text)
    {
        using var encoded = new MemoryStream(Encoding.ASCII.GetBytes(text));
        using var output = new MemoryStream();
        await Base64Decoder.DecodeAsync(encoded, output, CancellationToken.None);
        return output.ToArray();
    }

    private static byte[] MimeKitDecode(string text)
    {
        var input = Encoding.ASCII.GetBytes(text);
        var decoder = new MimeKitBase64Decoder();
        var output = new byte[decoder.EstimateOutputLength(input.Length)];
        return output[..decoder.Decode(input, 0, input.Length, output)];
    }

    private static string Wrap(string text, int lineLength, string ending)
    {
        var lines = new StringBuilder();
        for (var i = 0; i < text.Length; i += lineLength)
        {
            if (i > 0)
            {
                lines.Append(ending);
            }

            lines.Append(text.AsSpan(i, Math.Min(lineLength, text.Length - i)));
        }

        return lines.ToString();
    }
}
