using System.Buffers;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Turns what SmtpServer hands over at the end of DATA into exactly the message the client meant, safe to relay:
/// <list type="bullet">
/// <item>the CRLF that ends the last line is put back (SmtpServer drops it with the terminator, RFC 5321 §4.1.1.4);</item>
/// <item>a dot-stuffed first line is unstuffed (SmtpServer only unstuffs after a CRLF);</item>
/// <item>bare LF and bare CR become CRLF, as Postfix's <c>smtpd_forbid_bare_newline = normalize</c> does: SmtpServer
/// itself cannot be fooled by <c>&lt;LF&gt;.&lt;CR&gt;&lt;LF&gt;</c>, but relayed raw, such bytes could end the message
/// early at a laxer next hop and smuggle a second one in.</item>
/// </list>
/// A well-formed message (the usual case) is not copied: its segments are linked with the final CRLF.
/// </summary>
internal static class DataNormalizer
{
    private static readonly ReadOnlyMemory<byte> CrLf = "\r\n"u8.ToArray();

    public static ReadOnlySequence<byte> Normalize(ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            return data;
        }

        if (data.FirstSpan[0] != (byte)'.' && !HasBareLineBreak(data))
        {
            return Link(data, CrLf);
        }

        var normalized = new ArrayBufferWriter<byte>((int)Math.Min(data.Length + 1024, int.MaxValue));
        var reader = new SequenceReader<byte>(data);
        if (reader.IsNext((byte)'.'))
        {
            reader.Advance(1);
        }

        while (reader.TryRead(out var b))
        {
            if (b == (byte)'\r')
            {
                normalized.Write(CrLf.Span);
                reader.IsNext((byte)'\n', advancePast: true);
            }
            else if (b == (byte)'\n')
            {
                normalized.Write(CrLf.Span);
            }
            else
            {
                normalized.GetSpan(1)[0] = b;
                normalized.Advance(1);
            }
        }

        normalized.Write(CrLf.Span);
        return new ReadOnlySequence<byte>(normalized.WrittenMemory);
    }

    /// <summary>True when some CR is not followed by LF, or some LF not preceded by CR (segment boundaries included).</summary>
    private static bool HasBareLineBreak(ReadOnlySequence<byte> data)
    {
        var pendingCr = false; // the previous segment ended in CR
        foreach (var memory in data)
        {
            var span = memory.Span;
            if (span.IsEmpty)
            {
                continue;
            }

            var i = 0;
            if (pendingCr)
            {
                if (span[0] != (byte)'\n')
                {
                    return true;
                }

                i = 1;
                pendingCr = false;
            }

            while (i < span.Length)
            {
                var found = span[i..].IndexOfAny((byte)'\r', (byte)'\n');
                if (found < 0)
                {
                    break;
                }

                var at = i + found;
                if (span[at] == (byte)'\n')
                {
                    return true; // an LF whose CR would have been consumed with it
                }

                if (at + 1 == span.Length)
                {
                    pendingCr = true;
                    break;
                }

                if (span[at + 1] != (byte)'\n')
                {
                    return true;
                }

                i = at + 2;
            }
        }

        return pendingCr;
    }

    private static ReadOnlySequence<byte> Link(ReadOnlySequence<byte> data, ReadOnlyMemory<byte> tail)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var memory in data)
        {
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        last = last!.Append(tail);
        return new ReadOnlySequence<byte>(first!, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
