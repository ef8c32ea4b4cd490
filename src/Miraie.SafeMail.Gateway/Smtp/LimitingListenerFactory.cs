using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// SmtpServer's listeners, with what the library lacks for a server on a hostile network:
/// <list type="bullet">
/// <item>admission (<see cref="ConnectionAdmission"/>): every connection is accepted at once, and one the limits do not
/// allow gets <c>421</c> and is closed, so a crowd of idle connections cannot keep anyone else waiting;</item>
/// <item>each admitted session runs over a <see cref="SessionGuard"/> (timeouts, the gateway's own replies);</item>
/// <item>endpoints are bound before the host reports itself started (<see cref="Open"/>), so a port in use stops the start
/// with a line naming the setting, and the addresses actually bound are known (port 0 in tests).</item>
/// <item>each connection is wrapped, outside its guard, in a <see cref="CapturingPipe"/> so that DATA streams to the
/// gateway instead of collecting in SmtpServer's buffer (the guard's timeouts still apply while a message arrives).</item>
/// </list>
/// </summary>
internal sealed class LimitingListenerFactory : IEndpointListenerFactory, IDisposable
{
    private static readonly TimeSpan RefusalWriteTimeout = TimeSpan.FromSeconds(5);
    private readonly EndpointListenerFactory _inner = new();
    private readonly ConcurrentDictionary<IEndpointDefinition, IEndpointListener> _opened = new();
    private readonly SmtpListenerOptions _options;
    private readonly string _serverName;
    private readonly ConnectionAdmission _admission;
    private readonly SessionWatchdog _watchdog;
    private readonly ConnectionLog _log;
    private readonly TimeProvider _time;
    private int _disposed;

    private readonly Metrics.GatewayMetrics _metrics;

    public LimitingListenerFactory(SmtpListenerOptions options, string serverName, TrustedNetworks trusted, TimeProvider time, ConnectionLog log,
        Metrics.GatewayMetrics metrics)
    {
        _metrics = metrics;
        _options = options;
        _serverName = serverName;
        _time = time;
        _log = log;
        _admission = new ConnectionAdmission(options, trusted);
        _watchdog = new SessionWatchdog(options, _admission, time, log, serverName);
        _inner.EndpointStarted += (_, e) => Bound[e.EndpointDefinition] = (IPEndPoint)e.LocalEndPoint;
    }

    /// <summary>Sessions open now (admitted, not yet closed).</summary>
    public int OpenSessions => _admission.Open;

    /// <summary>The address each endpoint is bound to, once opened.</summary>
    public ConcurrentDictionary<IEndpointDefinition, IPEndPoint> Bound { get; } = new();

    /// <summary>The host's stopping token, once the server runs: sessions it cuts short are told the service is shutting down.</summary>
    public CancellationToken HostStopping { get; set; }

    /// <summary>True once the host is stopping (set before any session sees its own cancellation).</summary>
    public bool Stopping => Volatile.Read(ref _disposed) != 0 || HostStopping.IsCancellationRequested;

    /// <summary>Binds an endpoint now (SmtpServer binds only when it runs, in the background, where a failure is not a start failure).</summary>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public void Open(IEndpointDefinition endpoint) => _opened[endpoint] = _inner.CreateListener(endpoint);

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) =>
        new Listener(this, _opened.TryRemove(endpointDefinition, out var opened) ? opened : _inner.CreateListener(endpointDefinition));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // the host disposes the service once as itself and once as a hosted service
        }

        foreach (var listener in _opened.Values)
        {
            listener.Dispose();
        }

        _watchdog.Dispose();
    }

    private async Task<ISecurableDuplexPipe> AdmitAsync(IEndpointListener inner, ISessionContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            ISecurableDuplexPipe pipe;
            try
            {
                pipe = await inner.GetPipeAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                // SmtpServer would retry at once, forever (out of file descriptors, a stopped listener): pause instead.
                if (cancellationToken.IsCancellationRequested || Stopping)
                {
                    throw new OperationCanceledException("the listener is stopping", e, cancellationToken);
                }

                _log.AcceptFailed(e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var client = SessionFacts.ClientAddress(context) ?? IPAddress.None;
            if (_admission.TryAdmit(client) is not { } refusal)
            {
                var guard = new SessionGuard(pipe, context, client, new SessionReplies(_serverName, () => Stopping), _time, g =>
                {
                    _watchdog.Remove(g);
                    _admission.Release(client);
                });
                _watchdog.Add(guard);
                return new CapturingPipe(guard);
            }

            context.Properties.Remove(EndpointListener.LocalEndPointKey); // the next connection is accepted into the same context
            context.Properties.Remove(EndpointListener.RemoteEndPointKey);
            var (reply, reason) = refusal == AdmissionRefusal.TooManyFromClient
                ? ($"421 4.7.0 {_serverName} Error: too many connections from {client}",
                    $"{_options.MaxConnectionsPerClient} sessions from this client already (SafeMail:Smtp:MaxConnectionsPerClient)")
                : ($"421 4.3.2 {_serverName} Error: too many sessions, try again later",
                    $"no free session for this client: {_admission.Open} open of {_options.MaxConnections}, " +
                    $"{_options.ReservedTrustedConnections} of them for trusted networks only (SafeMail:Smtp:MaxConnections, ReservedTrustedConnections)");
            _log.Refused(client, reason, refusal == AdmissionRefusal.TooManyFromClient);
            _metrics.Refused(refusal);
            _ = RefuseAsync(pipe, reply);
        }
    }

    private static async Task RefuseAsync(ISecurableDuplexPipe pipe, string reply)
    {
        using (pipe)
        {
            try
            {
                using var timeout = new CancellationTokenSource(RefusalWriteTimeout);
                await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // the client left or does not read: closing is all that is left to do
            }
        }
    }

    private sealed class Listener(LimitingListenerFactory factory, IEndpointListener inner) : IEndpointListener
    {
        public Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken) =>
            factory.AdmitAsync(inner, context, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
