using System.Buffers;
using System.Text;
using Miraie.SafeMail.Gateway.Smtp;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

public class DataNormalizerTests
{
    /// <summary>A sequence split at every position given, to cover CR/LF pairs across segment boundaries.</summary>
    private static ReadOnlySequence<byte> Split(string text, params int[] cuts)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Order())
        {
            pieces.Add(bytes[start..cut]);
            start = cut;
        }

        pieces.Add(bytes[start..]);
        Chunk? first = null;
        Chunk? last = null;
        foreach (var piece in pieces)
        {
            var chunk = new Chunk(piece, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = chunk;
            }
            else
            {
                last.SetNext(chunk);
            }

            last = chunk;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static string Normalize(ReadOnlySequence<byte> data) => Encoding.ASCII.GetString(DataNormalizer.Normalize(data).ToArray());

    [Test]
    public void A_well_formed_message_gets_its_last_line_end_back_at_every_split()
    {
        const string message = "Subject: x\r\n\r\nline one\r\nline two";
        for (var cut = 0; cut <= message.Length; cut++)
        {
            Normalize(Split(message, cut)).Should().Be(message + "\r\n", $"split at {cut}");
        }
    }

    [Test]
    public void Bare_lf_and_bare_cr_become_crlf_at_every_split()
    {
        const string message = "Subject: x\n\r\nbody\rmore\r\nend";
        for (var cut = 0; cut <= message.Length; cut++)
        {
            Normalize(Split(message, cut, cut + 3)).Should().Be("Subject: x\r\n\r\nbody\r\nmore\r\nend\r\n", $"split at {cut}");
        }
    }

    [Test]
    public void The_smuggling_pattern_stays_inside_the_one_message_with_proper_line_ends()
    {
        const string smuggled = "Subject: a\r\n\r\ntext\n.\r\nMAIL FROM:<x@evil.example>\r\nRCPT TO:<y@victim.example>\r\nDATA\r\nevil";
        var normalized = Normalize(Split(smuggled, 20));
        normalized.Should().Be("Subject: a\r\n\r\ntext\r\n.\r\nMAIL FROM:<x@evil.example>\r\nRCPT TO:<y@victim.example>\r\nDATA\r\nevil\r\n");
        // Relayed over SMTP, the lone dot is now a proper line and gets dot-stuffed by the sending client, as every other line starting with '.'.
    }

    [Test]
    public void A_dot_stuffed_first_line_is_unstuffed()
    {
        Normalize(Split("..hidden\r\nsecond", 1)).Should().Be(".hidden\r\nsecond\r\n");
    }

    [Test]
    public void A_trailing_bare_cr_is_normalized()
    {
        Normalize(Split("body\r", 4)).Should().Be("body\r\n\r\n");
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public void SetNext(Chunk next) => Next = next;
    }
}
