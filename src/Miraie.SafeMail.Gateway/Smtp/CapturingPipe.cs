using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// A session's connection as SmtpServer sees it, with one change: once armed (by the message store factory, which
/// SmtpServer calls after its 354 reply and before it reads the DATA section), the next read consumes the whole DATA
/// section from the socket into a <see cref="DataCapture"/> — streamed, normalised, spilled to disk past the
/// threshold — and hands SmtpServer only a tiny stand-in block ending in <c>CRLF . CRLF</c>. SmtpServer 11.1.0 would
/// otherwise hold every message whole in memory until its end (its DATA command cannot be replaced: ADR-013).
/// Everything else (commands, STARTTLS, replies) passes straight through.
/// </summary>
internal sealed class CapturingPipe(ISecurableDuplexPipe inner) : ISecurableDuplexPipe
{
    /// <summary>What SmtpServer receives in place of the message; the store ignores it and takes the capture.</summary>
    private static readonly ReadOnlySequence<byte> StandIn = new("captured by the gateway\r\n.\r\n"u8.ToArray());

    private DataCapture? _capture;
    private Reader? _reader;

    public PipeReader Input
    {
        get
        {
            var input = inner.Input; // a new reader after STARTTLS
            if (_reader is null || !ReferenceEquals(_reader.Inner, input))
            {
                _reader = new Reader(this, input);
            }

            return _reader;
        }
    }

    public PipeWriter Output => inner.Output;

    public bool IsSecure => inner.IsSecure;

    public SslProtocols SslProtocol => inner.SslProtocol;

    /// <summary>The next read is a DATA section: capture it into <paramref name="capture"/>.</summary>
    public void Arm(DataCapture capture)
    {
        _capture?.Dispose();
        _capture = capture;
    }

    /// <summary>The finished capture, handed over to the caller (who disposes it); null when none was made.</summary>
    public DataCapture? TakeCapture()
    {
        var capture = _capture is { Done: true } ? _capture : null;
        if (capture is not null)
        {
            _capture = null;
        }

        return capture;
    }

    public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
        inner.UpgradeAsync(certificate, protocols, cancellationToken);

    public void Dispose()
    {
        _capture?.Dispose();
        _capture = null;
        inner.Dispose();
    }

    private sealed class Reader(CapturingPipe pipe, PipeReader inner) : PipeReader
    {
        private bool _standInOut;

        public PipeReader Inner => inner;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            if (pipe._capture is not { } capture)
            {
                return await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            while (!capture.Done)
            {
                var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                long used = 0;
                foreach (var segment in buffer)
                {
                    var done = capture.Decode(segment.Span, out var consumed);
                    used += consumed;
                    if (done)
                    {
                        break;
                    }
                }

                inner.AdvanceTo(buffer.GetPosition(used));
                if (!capture.Done && (result.IsCompleted || result.IsCanceled))
                {
                    // The client went away mid-message: nothing was accepted, nothing is kept.
                    pipe._capture = null;
                    capture.Dispose();
                    return new ReadResult(ReadOnlySequence<byte>.Empty, result.IsCanceled, isCompleted: true);
                }
            }

            _standInOut = true;
            return new ReadResult(StandIn, isCanceled: false, isCompleted: false);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (pipe._capture is null)
            {
                return inner.TryRead(out result);
            }

            result = default;
            return false; // a capture is only ever made by ReadAsync
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (_standInOut)
            {
                // SmtpServer is done with the stand-in (it always consumes it whole): back to the socket's own bytes.
                _standInOut = false;
                pipe._capture?.Dispose(); // not taken by the store (it failed early): drop it
                pipe._capture = null;
                return;
            }

            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
