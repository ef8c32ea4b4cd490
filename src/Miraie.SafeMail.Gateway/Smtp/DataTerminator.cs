using System.Buffers;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// SmtpServer hands over DATA without the whole <c>CRLF.CRLF</c> terminator, but the first CRLF of it ends the
/// message's last line and belongs to the message (RFC 5321 §4.1.1.4). Putting it back makes what is stored and
/// relayed exactly what the client sent. Done by linking segments, not copying the message.
/// </summary>
internal static class DataTerminator
{
    private static readonly ReadOnlyMemory<byte> CrLf = "\r\n"u8.ToArray();

    public static ReadOnlySequence<byte> WithFinalLineEnd(ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            return data;
        }

        Segment? first = null;
        Segment? last = null;
        foreach (var memory in data)
        {
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        last = last!.Append(CrLf);
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
