using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Reads one DATA section off the wire as it arrives and writes the message the client meant into a
/// <see cref="MessageContent"/> (which moves to disk past its threshold), without ever holding the whole message:
/// <list type="bullet">
/// <item>the end is <c>CRLF . CRLF</c> only (or <c>. CRLF</c> at the very start: an empty message); a dot after a bare
/// LF or CR ends nothing, so a laxer next hop cannot be made to see two messages where we saw one;</item>
/// <item>a line that starts with a dot loses that dot (RFC 5321 §4.5.2);</item>
/// <item>bare LF and bare CR become CRLF, as Postfix's <c>smtpd_forbid_bare_newline = normalize</c> does;</item>
/// <item>nothing else changes: 8-bit bytes, NUL, long lines (README "Long lines") are kept as sent.</item>
/// </list>
/// Past <c>maxBytes</c>, or once the content cannot be written (disk full, spool not writable), bytes are read and
/// dropped until the end of DATA so the session stays in step; the reply then says why (552 or 451).
/// </summary>
internal sealed class DataCapture(MessageContent content, long maxBytes) : IDisposable
{
    private enum State { LineStart, Dot, DotCr, Text, Cr }

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] Lf = "\n"u8.ToArray();

    private State _state = State.LineStart;
    private long _received;

    /// <summary>The message so far (complete once <see cref="Done"/>).</summary>
    public MessageContent Content => content;

    /// <summary>True once the terminating dot line was read.</summary>
    public bool Done { get; private set; }

    /// <summary>True when the message was longer than the limit (its bytes past the limit were dropped).</summary>
    public bool TooLarge { get; private set; }

    /// <summary>Why the content could not be written, if it could not.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The limit this capture enforces, for the reply.</summary>
    public long MaxBytes => maxBytes;

    /// <summary>
    /// Decodes wire bytes; returns true when the end of DATA was reached, with <paramref name="consumed"/> the bytes
    /// used up to and including the terminator (what follows belongs to the next command). Otherwise every byte is used.
    /// </summary>
    public bool Decode(ReadOnlySpan<byte> input, out int consumed)
    {
        var i = 0;
        var run = 0; // start of the bytes not yet written
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.LineStart:
                    if (input[i] == (byte)'.')
                    {
                        Emit(input[run..i]);
                        run = ++i; // the dot is either the terminator or stuffing: never part of the message
                        _state = State.Dot;
                    }
                    else
                    {
                        _state = State.Text;
                    }

                    break;
                case State.Dot:
                    if (input[i] == (byte)'\r')
                    {
                        run = ++i;
                        _state = State.DotCr;
                    }
                    else
                    {
                        _state = State.Text;
                    }

                    break;
                case State.DotCr:
                    if (input[i] == (byte)'\n')
                    {
                        consumed = i + 1;
                        Done = true;
                        Complete();
                        return true;
                    }

                    Emit(CrLf); // ". CR x": a stuffed line whose first byte after the dot is a bare CR
                    _state = State.Text;
                    break;
                case State.Text:
                    var next = input[i..].IndexOfAny((byte)'\r', (byte)'\n');
                    if (next < 0)
                    {
                        i = input.Length;
                        break;
                    }

                    i += next;
                    if (input[i] == (byte)'\n')
                    {
                        Emit(input[run..i]);
                        Emit(CrLf); // bare LF
                        run = ++i;
                    }
                    else
                    {
                        i++; // CR, kept in the run; the next byte says whether it was bare
                        _state = State.Cr;
                    }

                    break;
                default: // State.Cr
                    if (input[i] == (byte)'\n')
                    {
                        i++;
                        _state = State.LineStart;
                    }
                    else
                    {
                        Emit(input[run..i]);
                        Emit(Lf); // bare CR: the CR is written, its LF added
                        run = i;
                        _state = State.Text;
                    }

                    break;
            }
        }

        Emit(input[run..]);
        consumed = input.Length;
        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => content.Dispose();

    private void Complete()
    {
        if (Failure is null && !TooLarge)
        {
            try
            {
                content.Complete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failure = e;
            }
        }
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        _received += bytes.Length;
        if (Failure is not null || TooLarge)
        {
            return;
        }

        if (_received > maxBytes)
        {
            TooLarge = true;
            return;
        }

        try
        {
            content.Append(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure = e; // read on to the end of DATA, then answer 451
        }
    }
}
