using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Storage;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>Runs the SMTP listener (SmtpServer) on the configured endpoints until the host stops.</summary>
public sealed class SmtpListenerService : BackgroundService
{
    private readonly SmtpListenerOptions _options;
    private readonly GatewayIdentity _identity;
    private readonly ILogger<SmtpListenerService> _logger;
    private readonly LimitingListenerFactory _listeners;
    private readonly SmtpServer.ComponentModel.ServiceProvider _services = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wires SmtpServer to the gateway's store, relay filter and authenticator.</summary>
    public SmtpListenerService(IOptions<SmtpListenerOptions> options, GatewayIdentity identity, Processing.MessageAcceptor acceptor,
        Storage.GatewayDatabase database, Spool.SpoolStore spool, ILoggerFactory loggers)
    {
        _options = options.Value;
        _identity = identity;
        _logger = loggers.CreateLogger<SmtpListenerService>();
        _listeners = new LimitingListenerFactory(_options.MaxConnections);
        var store = new GatewayMessageStore(acceptor, loggers.CreateLogger<GatewayMessageStore>());
        var (threshold, limit) = (_options.SpillThresholdBytes, _options.MaxMessageBytes);
        _services.Add(new DelegatingMessageStoreFactory(context =>
        {
            // SmtpServer asks for the store after its 354 and before reading the message: the moment to start capturing it.
            (context.Pipe as CapturingPipe)?.Arm(new DataCapture(new Processing.MessageContent(threshold, spool.Incoming), limit));
            return store;
        }));
        _services.Add((IMailboxFilter)new RelayMailboxFilter(options));
        _services.Add((IUserAuthenticator)new SmtpUserAuthenticator(database, loggers.CreateLogger<SmtpUserAuthenticator>()));
        _services.Add(_listeners);
        _services.Add((SmtpServer.Protocol.ISmtpCommandFactory)new StrictCommandFactory());
    }

    /// <summary>The endpoints actually listening (their real ports when configured with port 0). Complete after <see cref="Started"/>.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => [.. _listeners.Bound.Values];

    /// <summary>Completes when every endpoint listens (or faults when the listener could not start).</summary>
    public Task Started => _started.Task;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var endpoints = _options.Endpoints.Count > 0 ? _options.Endpoints : [new SmtpEndpointOptions()];
        var certificate = LoadCertificate();
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(_identity.ServerName)
            .CustomSmtpGreeting(_ => $"220 {_identity.ServerName} ESMTP Miraie SafeMail")
            .MaxMessageSize(_options.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            .MaxRetryCount(5)
            .MaxAuthenticationAttempts(3)
            .CommandWaitTimeout(_options.SessionTimeout);
        foreach (var endpoint in endpoints)
        {
            builder.Endpoint(e =>
            {
                e.Endpoint(new IPEndPoint(IPAddress.Parse(endpoint.Address), endpoint.Port))
                    .IsSecure(endpoint.Mode == SmtpEndpointMode.ImplicitTls)
                    .AuthenticationRequired(endpoint.RequireAuthentication)
                    .AllowUnsecureAuthentication(false)
                    .SessionTimeout(_options.MaxSessionDuration) // SmtpServer's "session timeout" caps the whole session
                    .SupportedSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
                if (certificate is not null)
                {
                    e.Certificate(certificate);
                }
            });
        }

        var server = new SmtpServer.SmtpServer(builder.Build(), _services);
        server.SessionCreated += (_, e) =>
        {
            _listeners.SessionStarted(e.Context.SessionId);
            SessionFacts.Track(e.Context);
        };
        server.SessionCompleted += (_, e) => _listeners.SessionEnded(e.Context.SessionId);
        server.SessionFaulted += (_, e) =>
        {
            _listeners.SessionEnded(e.Context.SessionId);
            _logger.LogInformation("SMTP session from {Client} ended with an error: {Error}", SessionFacts.ClientAddress(e.Context), e.Exception.Message);
        };
        server.SessionCancelled += (_, e) => _listeners.SessionEnded(e.Context.SessionId);

        var running = server.StartAsync(stoppingToken);
        _ = WatchStartAsync(endpoints.Count, running, stoppingToken);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchStartAsync(int expected, Task running, CancellationToken stoppingToken)
    {
        while (_listeners.Bound.Count < expected && !running.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        if (_listeners.Bound.Count >= expected)
        {
            _logger.LogInformation("SMTP listening on {Endpoints}", string.Join(", ", Endpoints));
            _started.TrySetResult();
        }
        else if (running.IsFaulted)
        {
            _started.TrySetException(running.Exception!.InnerExceptions);
        }
        else
        {
            _started.TrySetCanceled(stoppingToken);
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _listeners.Dispose();
        base.Dispose();
    }

    private X509Certificate2? LoadCertificate()
    {
        if (string.IsNullOrWhiteSpace(_options.CertificatePath))
        {
            return null;
        }

        return X509CertificateLoader.LoadPkcs12FromFile(_options.CertificatePath, _options.CertificatePassword);
    }
}
