using System.Text;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>The DATA section as it comes off the wire, cut into reads at every possible place.</summary>
public class DataCaptureTests
{
    /// <summary>Feeds <paramref name="wire"/> in pieces cut at <paramref name="cuts"/>; returns the message and what was left after the terminator.</summary>
    private static (string Message, string After) Capture(string wire, params int[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        using var capture = new DataCapture(MessageContent.FromBytes([]), long.MaxValue);
        var start = 0;
        foreach (var end in cuts.Where(c => c > 0 && c < bytes.Length).Order().Append(bytes.Length))
        {
            if (capture.Decode(bytes.AsSpan(start, end - start), out var consumed))
            {
                return (Read(capture.Content), Encoding.UTF8.GetString(bytes, start + consumed, bytes.Length - start - consumed));
            }

            start = end;
        }

        throw new InvalidOperationException("no end of DATA in: " + wire);
    }

    private static string Read(MessageContent content)
    {
        using var stream = content.OpenRead();
        return new StreamReader(stream, Encoding.UTF8).ReadToEnd();
    }

    [Test]
    public void A_well_formed_message_keeps_its_last_line_end_at_every_split()
    {
        const string wire = "Subject: x\r\n\r\nline one\r\nline two\r\n.\r\nQUIT\r\n";
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            Capture(wire, cut).Should().Be(("Subject: x\r\n\r\nline one\r\nline two\r\n", "QUIT\r\n"), $"split at {cut}");
        }
    }

    [Test]
    public void Bare_lf_and_bare_cr_become_crlf_at_every_split()
    {
        const string wire = "Subject: x\n\r\nbody\rmore\r\nend\r\r\n.\r\n";
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            Capture(wire, cut, cut + 3).Message.Should().Be("Subject: x\r\n\r\nbody\r\nmore\r\nend\r\n\r\n", $"split at {cut}");
        }
    }

    [Test]
    public void Dot_stuffed_lines_lose_their_first_dot_at_every_split()
    {
        const string wire = "..hidden\r\n.x\r\n...\r\nlast\r\n.\r\n";
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            Capture(wire, cut).Message.Should().Be(".hidden\r\nx\r\n..\r\nlast\r\n", $"split at {cut}");
        }
    }

    [Test]
    public void The_smuggling_pattern_stays_inside_the_one_message_with_proper_line_ends()
    {
        const string wire = "Subject: a\r\n\r\ntext\n.\r\nMAIL FROM:<x@evil.example>\r\nRCPT TO:<y@victim.example>\r\nDATA\r\nevil\r\n.\r\n";
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            // Relayed, the lone dot is a proper line that the sending client dot-stuffs like any other line starting with '.'.
            Capture(wire, cut).Should().Be(("Subject: a\r\n\r\ntext\r\n.\r\nMAIL FROM:<x@evil.example>\r\nRCPT TO:<y@victim.example>\r\nDATA\r\nevil\r\n", ""),
                $"split at {cut}");
        }
    }

    [Test]
    public void A_dot_after_a_bare_cr_or_lf_ends_nothing()
    {
        Capture("a\r.\r\nb\n.\nc\r\n.\r\n").Message.Should().Be("a\r\n.\r\nb\r\n.\r\nc\r\n");
    }

    [Test]
    public void An_empty_message_ends_at_the_first_dot_line()
    {
        Capture(".\r\nQUIT\r\n").Should().Be(("", "QUIT\r\n"));
    }

    [Test]
    public void Bytes_past_the_limit_are_dropped_up_to_the_end_of_data()
    {
        using var capture = new DataCapture(MessageContent.FromBytes([]), maxBytes: 10);
        var wire = Encoding.ASCII.GetBytes("0123456789abcdef\r\n.\r\nNOOP\r\n");
        capture.Decode(wire, out var consumed).Should().BeTrue();
        consumed.Should().Be(wire.Length - "NOOP\r\n".Length);
        capture.TooLarge.Should().BeTrue();
        capture.Content.Length.Should().BeLessThanOrEqualTo(10);
    }

    [Test]
    public void Content_past_the_threshold_moves_to_a_file_that_is_deleted_with_it()
    {
        var directory = Directory.CreateTempSubdirectory("safemail-spill-").FullName;
        try
        {
            var message = string.Concat(Enumerable.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\r\n", 100));
            string spilled;
            using (var capture = new DataCapture(new MessageContent(spillThreshold: 1000, directory), long.MaxValue))
            {
                capture.Decode(Encoding.ASCII.GetBytes(message + ".\r\n"), out _).Should().BeTrue();
                spilled = capture.Content.SpillPath!;
                File.Exists(spilled).Should().BeTrue();
                Read(capture.Content).Should().Be(message);
            }

            File.Exists(spilled).Should().BeFalse("the spill file goes with the message");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
