using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// SmtpServer's listeners, with two additions: the session limit (the next connection is not accepted until a session
/// ends, so excess clients wait in the kernel's backlog as they would with Postfix's process limit) and the addresses
/// actually bound (port 0 in tests). Each connection is wrapped in a <see cref="CapturingPipe"/> so that DATA streams to
/// the gateway instead of collecting in SmtpServer's buffer.
/// </summary>
internal sealed class LimitingListenerFactory : IEndpointListenerFactory, IDisposable
{
    private readonly EndpointListenerFactory _inner = new();
    private readonly SemaphoreSlim _sessions;

    public LimitingListenerFactory(int maxSessions)
    {
        _sessions = new SemaphoreSlim(maxSessions, maxSessions);
        _inner.EndpointStarted += (_, e) => Bound[e.EndpointDefinition] = (IPEndPoint)e.LocalEndPoint;
    }

    /// <summary>The address each endpoint is bound to, once started.</summary>
    public ConcurrentDictionary<IEndpointDefinition, IPEndPoint> Bound { get; } = new();

    private readonly ConcurrentDictionary<Guid, bool> _open = new();

    /// <summary>Called when a session starts.</summary>
    public void SessionStarted(Guid session) => _open.TryAdd(session, true);

    /// <summary>Called when a session ends (completed, faulted or cancelled — once per session), to let the next client in.</summary>
    public void SessionEnded(Guid session)
    {
        if (_open.TryRemove(session, out _))
        {
            _sessions.Release();
        }
    }

    public void Dispose() => _sessions.Dispose();

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new Listener(_inner.CreateListener(endpointDefinition), _sessions);

    private sealed class Listener(IEndpointListener inner, SemaphoreSlim sessions) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            await sessions.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return new CapturingPipe(await inner.GetPipeAsync(context, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                sessions.Release();
                throw;
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
