using System.IO.Pipelines;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// The session's input as SmtpServer reads it: each read is a wait for the client that <see cref="SessionGuard"/> can
/// end; once the session has expired every read fails at once, so the library stops (after its reply, which
/// <see cref="SessionReplies"/> turns into the single closing <c>421</c>). After STARTTLS the library's pipe reads from
/// the TLS stream: this reader always reads from the current one.
/// </summary>
internal sealed class GuardedReader(SessionGuard guard) : PipeReader
{
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        using var wait = guard.BeginWait(cancellationToken);
        return await guard.InnerInput.ReadAsync(wait.Token).ConfigureAwait(false);
    }

    public override bool TryRead(out ReadResult result) => guard.InnerInput.TryRead(out result);

    public override void AdvanceTo(SequencePosition consumed) => guard.InnerInput.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => guard.InnerInput.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => guard.InnerInput.CancelPendingRead();

    public override void Complete(Exception? exception = null) => guard.InnerInput.Complete(exception);

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        try
        {
            await guard.InnerInput.CompleteAsync(exception).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The connection is going away anyway; SmtpServer disposes the pipe (and so frees the slot) only after this returns.
        }
    }
}
