using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// The session's output as SmtpServer writes it: what the library writes is held until it flushes (it flushes after every
/// reply), then each reply goes through <see cref="SessionReplies"/> and on to the client. A flush the client does not take
/// (it stopped reading) is a wait for the client, ended by <see cref="SessionGuard"/> like a silent read. After STARTTLS
/// the replies go to the TLS stream.
/// </summary>
internal sealed class ReplyWriter(SessionGuard guard) : PipeWriter
{
    private static readonly TimeSpan LastWordTimeout = TimeSpan.FromSeconds(2);
    private readonly ArrayBufferWriter<byte> _pending = new(256);

    public override void Advance(int bytes) => _pending.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

    public override void CancelPendingFlush() => guard.InnerOutput.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => guard.InnerOutput.Complete(exception);

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        var hadEnded = guard.Replies.HasEnded;
        var lines = Rewrite(Encoding.ASCII.GetString(_pending.WrittenSpan));
        _pending.ResetWrittenCount();
        if (hadEnded)
        {
            return new FlushResult(isCanceled: false, isCompleted: true); // the client has had its 421: nothing more
        }

        var output = guard.InnerOutput;
        foreach (var line in lines)
        {
            output.Write(Encoding.ASCII.GetBytes(line + "\r\n"));
        }

        if (!guard.Replies.HasEnded)
        {
            using var wait = guard.BeginWait(cancellationToken);
            return await output.FlushAsync(wait.Token).ConfigureAwait(false);
        }

        // The last word (a 421): sent if the client takes it soon, then every read fails and the library ends the session.
        using var lastWord = new CancellationTokenSource(LastWordTimeout);
        try
        {
            return await output.FlushAsync(lastWord.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new FlushResult(isCanceled: true, isCompleted: true);
        }
        finally
        {
            guard.Expire(null);
        }
    }

    /// <summary>The lines to send for everything the library wrote since the last flush: its replies, one by one, rewritten.</summary>
    private List<string> Rewrite(string written)
    {
        var result = new List<string>();
        var reply = new List<string>();
        foreach (var line in written.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                continue;
            }

            reply.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                result.AddRange(guard.Replies.Rewrite(reply));
                reply = [];
            }
        }

        if (reply.Count > 0)
        {
            result.AddRange(guard.Replies.Rewrite(reply));
        }

        return result;
    }
}
