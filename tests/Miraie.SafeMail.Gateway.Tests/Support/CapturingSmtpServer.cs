using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServerHost = SmtpServer.SmtpServer;
using SmtpServerOptionsBuilder = SmtpServer.SmtpServerOptionsBuilder;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A real SMTP server on 127.0.0.1 (port chosen by the OS) that records every transaction, built on SmtpServer
/// 11.1.0 like the gateway, so it both stands in for the upstream MTA and shows what the library does with odd input.
/// </summary>
/// <remarks>
/// Why SmtpServer rather than a hand-written TcpListener server: a second implementation of SMTP parsing would show
/// how that code treats bare LF or dot-stuffing, not how the library the gateway runs on does; reusing the library's
/// own <c>EndpointListenerFactory</c> (its <c>EndpointStarted</c> event gives the bound port) keeps even the socket
/// and pipe layer identical. The price is the library's reply limits noted below.
/// Scriptable: per-recipient rejections (<see cref="SetRecipientReply"/>), end-of-DATA replies
/// (<see cref="EnqueueDataReply"/>, <see cref="DefaultDataReply"/>), going down and coming back on the same port
/// (<see cref="StopAsync"/>, <see cref="RestartAsync"/>), STARTTLS/implicit TLS and AUTH through
/// <see cref="CapturingSmtpServerOptions"/>. A scripted RCPT rejection travels as SmtpServer's
/// SmtpResponseException, the only way the library lets a filter choose the reply: the library appends
/// <c>, N retry(ies) remaining.</c> to its text and counts it towards <see cref="CapturingSmtpServerOptions.MaxRetryCount"/>.
/// </remarks>
public sealed partial class CapturingSmtpServer : IAsyncDisposable, IDisposable
{
    private const string ConnectionKey = "CapturingSmtpServer:Connection";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly CapturingSmtpServerOptions _options;
    private readonly X509Certificate2? _certificate;
    private readonly bool _ownsCertificate;
    private readonly object _gate = new();
    private readonly List<CapturedMessage> _transactions = [];
    private readonly List<RecipientAttempt> _recipientAttempts = [];
    private readonly List<Exception> _sessionFaults = [];
    private readonly List<ConnectionState> _connections = [];
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = [];
    private readonly Dictionary<string, SmtpReply> _recipientReplies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<SmtpReply> _dataReplies = new();
    private readonly ConcurrentDictionary<ConnectionState, byte> _open = new();
    private Running? _running;
    private volatile bool _accepting;
    private SmtpReply _defaultDataReply = SmtpReply.Parse("250 Ok");

    private CapturingSmtpServer(CapturingSmtpServerOptions options)
    {
        _options = options;
        if (options.StartTls || options.ImplicitTls)
        {
            _ownsCertificate = options.Certificate is null;
            _certificate = options.Certificate ?? TestCertificates.CreateSelfSigned();
        }
    }

    /// <summary>127.0.0.1: the server never listens anywhere else.</summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>The port the OS gave the server; it keeps it across <see cref="StopAsync"/>/<see cref="RestartAsync"/>.</summary>
    public int Port => EndPoint.Port;

    /// <summary>Where the server listens (or listened, while down).</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>True while the server accepts connections.</summary>
    public bool IsUp => Volatile.Read(ref _running) is not null;

    /// <summary>The TLS certificate (for a client's validation callback to pin), or null without TLS.</summary>
    public X509Certificate2? Certificate => _certificate;

    /// <summary>The reply at the end of DATA when no one-shot reply is queued. Default <c>250 Ok</c>.</summary>
    public SmtpReply DefaultDataReply
    {
        get { lock (_gate) { return _defaultDataReply; } }
        set { lock (_gate) { _defaultDataReply = value; } }
    }

    /// <summary>Transactions the server accepted (2xx at the end of DATA), in arrival order.</summary>
    public IReadOnlyList<CapturedMessage> Messages
    {
        get { lock (_gate) { return _transactions.Where(t => t.Accepted).ToList(); } }
    }

    /// <summary>Every transaction that reached the end of DATA, accepted or rejected by script.</summary>
    public IReadOnlyList<CapturedMessage> Transactions
    {
        get { lock (_gate) { return [.. _transactions]; } }
    }

    /// <summary>Every RCPT TO and its reply, accepted or not.</summary>
    public IReadOnlyList<RecipientAttempt> RecipientAttempts
    {
        get { lock (_gate) { return [.. _recipientAttempts]; } }
    }

    /// <summary>TCP connections accepted so far, across restarts.</summary>
    public int ConnectionCount
    {
        get { lock (_gate) { return _connections.Count; } }
    }

    /// <summary>For each connection so far (index 0 = connection 1): how many transactions reached the end of DATA on it.</summary>
    public IReadOnlyList<int> TransactionsPerConnection
    {
        get { lock (_gate) { return _connections.Select(c => c.Transactions).ToList(); } }
    }

    /// <summary>Exceptions that ended sessions abnormally inside SmtpServer (useful when probing malformed input).</summary>
    public IReadOnlyList<Exception> SessionFaults
    {
        get { lock (_gate) { return [.. _sessionFaults]; } }
    }

    /// <summary>Starts a server on 127.0.0.1 port 0 and returns once it listens.</summary>
    public static async Task<CapturingSmtpServer> StartAsync(CapturingSmtpServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new CapturingSmtpServer(options ?? new CapturingSmtpServerOptions());
        try
        {
            await server.ListenAsync(0, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Answers RCPT TO for <paramref name="address"/> with a 4xx/5xx reply such as <c>550 5.1.1 user unknown</c>, until cleared.</summary>
    public void SetRecipientReply(string address, string reply)
    {
        var parsed = SmtpReply.Parse(reply);
        if (parsed.IsPositive)
        {
            throw new ArgumentException("script rejections only (4xx or 5xx); other recipients are accepted", nameof(reply));
        }

        lock (_gate)
        {
            _recipientReplies[address] = parsed;
        }
    }

    /// <summary>Accepts <paramref name="address"/> again.</summary>
    public void ClearRecipientReply(string address)
    {
        lock (_gate)
        {
            _recipientReplies.Remove(address);
        }
    }

    /// <summary>Answers the end of DATA of the next transaction with <paramref name="reply"/> (one-shot; queued replies are used in order).</summary>
    public void EnqueueDataReply(string reply)
    {
        var parsed = SmtpReply.Parse(reply);
        lock (_gate)
        {
            _dataReplies.Enqueue(parsed);
        }
    }

    /// <summary>
    /// Goes down: drops every open connection without a reply (as a crashed host would), then stops listening so
    /// that new connections are refused. The port is kept for <see cref="RestartAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        var running = Interlocked.Exchange(ref _running, null);
        if (running is null)
        {
            return;
        }

        _accepting = false;
        DropOpenConnections();
        running.Host.Shutdown();
        await running.ListenerStopped.WaitAsync(StopTimeout);
        try
        {
            await running.Run.WaitAsync(StopTimeout);
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            // Sessions ended by dropping their sockets fault inside SmtpServer; that is the point of going down.
        }

        running.Cancellation.Dispose();
    }

    /// <summary>Comes back up on the same port after <see cref="StopAsync"/>; scripts and records are kept.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (IsUp)
        {
            throw new InvalidOperationException("the server is already up");
        }

        await ListenAsync(Port, cancellationToken);
    }

    /// <summary>Waits until <paramref name="count"/> messages have been accepted; returns them all.</summary>
    public async Task<IReadOnlyList<CapturedMessage>> WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => _transactions.Count(t => t.Accepted) >= count, $"{count} accepted message(s)", timeout, cancellationToken);
        return Messages;
    }

    /// <summary>Waits until <paramref name="count"/> transactions (accepted or rejected at the end of DATA) have been seen.</summary>
    public async Task<IReadOnlyList<CapturedMessage>> WaitForTransactionsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => _transactions.Count >= count, $"{count} transaction(s)", timeout, cancellationToken);
        return Transactions;
    }

    /// <summary>Waits until <paramref name="count"/> connections have been accepted (e.g. a client's retry after a failure).</summary>
    public Task WaitForConnectionsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitUntilAsync(() => _connections.Count >= count, $"{count} connection(s)", timeout, cancellationToken);

    /// <summary>Stops (see <see cref="StopAsync"/>) and releases the certificate it made.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsCertificate)
        {
            _certificate?.Dispose();
        }
    }

    /// <summary>Drops connections and stops listening without waiting for SmtpServer's sessions to unwind.</summary>
    public void Dispose()
    {
        var running = Interlocked.Exchange(ref _running, null);
        if (running is not null)
        {
            _accepting = false;
            DropOpenConnections();
            running.Host.Shutdown();
        }

        if (_ownsCertificate)
        {
            _certificate?.Dispose();
        }
    }

    private async Task ListenAsync(int port, CancellationToken cancellationToken)
    {
        var factory = new ListenerFactory(this);
        var started = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.EndpointStarted += (_, e) => started.TrySetResult((IPEndPoint)e.LocalEndPoint);
        factory.EndpointStopped += (_, _) => stopped.TrySetResult();

        var services = new ServiceProvider();
        services.Add(factory);
        services.Add(new Store(this));
        services.Add(new Filter(this));
        if (_options.AuthUser is not null && _options.AuthPassword is not null)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) =>
                string.Equals(user, _options.AuthUser, StringComparison.Ordinal) && string.Equals(password, _options.AuthPassword, StringComparison.Ordinal)));
        }

        var host = new SmtpServerHost(BuildOptions(port), services);
        host.SessionCompleted += (_, e) => OnSessionEnded(e.Context, null);
        host.SessionCancelled += (_, e) => OnSessionEnded(e.Context, null);
        host.SessionFaulted += (_, e) => OnSessionEnded(e.Context, e.Exception);

        _accepting = true;
        var cancellation = new CancellationTokenSource();
        var run = host.StartAsync(cancellation.Token);
        var first = await Task.WhenAny(started.Task, run).WaitAsync(StopTimeout, cancellationToken);
        if (first == run)
        {
            _accepting = false;
            cancellation.Dispose();
            await run;
            throw new InvalidOperationException("SmtpServer ended before it listened");
        }

        EndPoint = await started.Task;
        Volatile.Write(ref _running, new Running(host, cancellation, run, stopped.Task));
    }

    private SmtpServer.ISmtpServerOptions BuildOptions(int port)
    {
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(_options.ServerName)
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                    .IsSecure(_options.ImplicitTls)
                    .AllowUnsecureAuthentication(_options.AllowUnsecureAuthentication)
                    .AuthenticationRequired(_options.AuthenticationRequired);
                if (_certificate is not null)
                {
                    endpoint.Certificate(_certificate);
                }

                if (_options.SessionTimeout is { } sessionTimeout)
                {
                    endpoint.SessionTimeout(sessionTimeout);
                }
            });
        if (_options.MaxMessageSize is { } maxSize)
        {
            builder.MaxMessageSize(maxSize, SmtpServer.MaxMessageSizeHandling.Strict);
        }

        if (_options.MaxRetryCount is { } retries)
        {
            builder.MaxRetryCount(retries);
        }

        if (_options.CommandWaitTimeout is { } commandWait)
        {
            builder.CommandWaitTimeout(commandWait);
        }

        return builder.Build();
    }

    private async Task WaitUntilAsync(Func<bool> done, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        (Func<bool> Done, TaskCompletionSource Signal) waiter;
        lock (_gate)
        {
            if (done())
            {
                return;
            }

            waiter = (done, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Signal.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waited {timeout.TotalSeconds:0.###} s for {what}; {Describe()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private string Describe()
    {
        lock (_gate)
        {
            var replies = string.Join(", ", _transactions.Select(t => t.Reply.Code));
            return $"seen {_connections.Count} connection(s), {_transactions.Count} transaction(s) [{replies}], "
                + $"{_recipientAttempts.Count} RCPT(s), {_sessionFaults.Count} session fault(s)";
        }
    }

    private void DropOpenConnections()
    {
        foreach (var connection in _open.Keys)
        {
            connection.Pipe.Dispose();
        }
    }

    private void OnSessionEnded(SmtpServer.ISessionContext context, Exception? fault)
    {
        if (context.Properties.TryGetValue(ConnectionKey, out var value) && value is ConnectionState connection)
        {
            _open.TryRemove(connection, out _);
        }

        if (fault is not null)
        {
            lock (_gate)
            {
                _sessionFaults.Add(fault);
            }
        }
    }

    /// <summary>Adds a record and wakes the waiters it satisfies; call with <see cref="_gate"/> held.</summary>
    private void SignalWaiters()
    {
        foreach (var waiter in _waiters.Where(w => w.Done()).ToList())
        {
            waiter.Signal.TrySetResult();
        }
    }

    private sealed record Running(SmtpServerHost Host, CancellationTokenSource Cancellation, Task Run, Task ListenerStopped);
}
