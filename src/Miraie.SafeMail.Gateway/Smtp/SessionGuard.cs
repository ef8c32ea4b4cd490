using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// One admitted session's connection, as SmtpServer sees it: every wait for the client (a read, a TLS handshake, a reply
/// the client does not take) can be ended by <see cref="SessionWatchdog"/>, and every reply passes through
/// <see cref="SessionReplies"/>. Disposing it (SmtpServer does, once, when the session ends) closes the connection and
/// gives the slot back.
/// </summary>
internal sealed class SessionGuard : ISecurableDuplexPipe
{
    private readonly ISecurableDuplexPipe _inner;
    private readonly TimeProvider _time;
    private readonly Action<SessionGuard> _closed;
    private readonly CancellationTokenSource _expired = new();
    private readonly GuardedReader _reader;
    private readonly ReplyWriter _writer;
    private long _waitingSince; // 0 while not waiting for the client
    private int _disposed;

    public SessionGuard(ISecurableDuplexPipe inner, ISessionContext context, IPAddress client, SessionReplies replies, TimeProvider time,
        Action<SessionGuard> closed)
    {
        _inner = inner;
        _time = time;
        _closed = closed;
        Client = client;
        Replies = replies;
        StartedAt = time.GetTimestamp();
        _reader = new GuardedReader(this);
        _writer = new ReplyWriter(this);
        context.CommandExecuting += (_, e) =>
        {
            CommandSeen = true;
            replies.CommandStarting(e.Command.Name);
        };
        context.ResponseException += (_, e) => replies.LineRefused(RefusedVerb(e.Exception));
    }

    public IPAddress Client { get; }

    public SessionReplies Replies { get; }

    /// <summary>When the connection was accepted (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long StartedAt { get; }

    /// <summary>True once the client sent a command the library could run (EHLO, HELO, NOOP…).</summary>
    public bool CommandSeen { get; private set; }

    /// <summary>Since when the session has been waiting for the client; null while the gateway itself is working.</summary>
    public long? WaitingSince => Interlocked.Read(ref _waitingSince) is var since and not 0 ? since : null;

    public bool IsExpired => _expired.IsCancellationRequested;

    public PipeReader Input => _reader;

    public PipeWriter Output => _writer;

    public bool IsSecure => _inner.IsSecure;

    public SslProtocols SslProtocol => _inner.SslProtocol;

    internal PipeReader InnerInput => _inner.Input;

    internal PipeWriter InnerOutput => _inner.Output;

    /// <summary>
    /// Ends the session: the wait in progress (or the next) is cancelled, and the library's next reply is replaced by
    /// <paramref name="reply"/> (none when the session has already said its last word). False if it had already ended.
    /// </summary>
    public bool Expire(string? reply)
    {
        if (reply is not null)
        {
            Replies.End(reply);
        }

        try
        {
            if (_expired.IsCancellationRequested)
            {
                return false;
            }

            _expired.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // the session ended on its own meanwhile
        }
    }

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        using var wait = BeginWait(cancellationToken);
        await _inner.UpgradeAsync(certificate, protocols, wait.Token).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                _inner.Dispose();
            }
            finally
            {
                _expired.Dispose();
                _closed(this);
            }
        }
    }

    /// <summary>
    /// The first word of a line SmtpServer's parser refused (it keeps the line under this key): the parser answers every
    /// such line "Unrecognized command", even <c>MAIL TO:&lt;…&gt;</c>, and the word lets the reply say what is wrong.
    /// </summary>
    private static string? RefusedVerb(SmtpServer.Protocol.SmtpResponseException refusal)
    {
        if (refusal.Properties?.TryGetValue("SmtpSession:Buffer", out var value) != true || value is not byte[] line)
        {
            return null;
        }

        var text = System.Text.Encoding.ASCII.GetString(line, 0, Math.Min(line.Length, 16));
        var end = text.IndexOfAny([' ', '\r', '\n']);
        return (end < 0 ? text : text[..end]).ToUpperInvariant();
    }

    /// <summary>Marks the session as waiting for the client until disposed; its token ends the wait when the session expires.</summary>
    internal Wait BeginWait(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _expired.Token.ThrowIfCancellationRequested();
        Interlocked.Exchange(ref _waitingSince, Math.Max(1, _time.GetTimestamp()));
        return new Wait(this, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _expired.Token));
    }

    /// <summary>A wait for the client in progress.</summary>
    internal readonly struct Wait(SessionGuard guard, CancellationTokenSource linked) : IDisposable
    {
        public CancellationToken Token => linked.Token;

        public void Dispose()
        {
            Interlocked.Exchange(ref guard._waitingSince, 0);
            linked.Dispose();
        }
    }
}
