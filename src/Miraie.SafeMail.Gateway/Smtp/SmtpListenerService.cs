using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer.Authentication;
using SmtpServer.Storage;
using SmtpServer;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Runs the SMTP listener (SmtpServer) on the configured endpoints until the host stops. The endpoints are bound while
/// the host starts: an address in use (or an unreadable certificate) stops the start with one line naming the setting.
/// </summary>
public sealed class SmtpListenerService : BackgroundService
{
    private readonly SmtpListenerOptions _options;
    private readonly GatewayIdentity _identity;
    private readonly ILogger<SmtpListenerService> _logger;
    private readonly LimitingListenerFactory _listeners;
    private readonly SmtpServer.ComponentModel.ServiceProvider _services = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ISmtpServerOptions? _server;

    /// <summary>Wires SmtpServer to the gateway's store, relay filter and authenticator.</summary>
    public SmtpListenerService(IOptions<SmtpListenerOptions> options, GatewayIdentity identity, Processing.MessageAcceptor acceptor,
        Storage.SafeMailDatabase database, Storage.Spool.SpoolStore spool, ILoggerFactory loggers, TimeProvider time, Metrics.GatewayMetrics metrics)
    {
        _options = options.Value;
        _identity = identity;
        _logger = loggers.CreateLogger<SmtpListenerService>();
        var trusted = new TrustedNetworks(_options.TrustedNetworks);
        _listeners = new LimitingListenerFactory(_options, identity.ServerName, trusted, time, new ConnectionLog(_logger, time), metrics);
        metrics.ObserveOpenSessions(() => _listeners.OpenSessions);
        var store = new GatewayMessageStore(acceptor, loggers.CreateLogger<GatewayMessageStore>());
        var (threshold, limit) = (_options.SpillThresholdBytes, _options.MaxMessageBytes);
        _services.Add(new DelegatingMessageStoreFactory(context =>
        {
            // SmtpServer asks for the store after its 354 and before reading the message: the moment to start capturing it.
            (context.Pipe as CapturingPipe)?.Arm(new DataCapture(new MessageContent(threshold, spool.Incoming), limit));
            return store;
        }));
        _services.Add((IMailboxFilter)new RelayMailboxFilter(options, trusted));
        _services.Add((IUserAuthenticator)new SmtpUserAuthenticator(database, loggers.CreateLogger<SmtpUserAuthenticator>()));
        _services.Add(_listeners);
        _services.Add((SmtpServer.Protocol.ISmtpCommandFactory)new StrictCommandFactory());
    }

    /// <summary>The endpoints actually listening, in the configured order (their real ports when configured with port 0). Complete after <see cref="Started"/>.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints =>
        _server is null ? [] : [.. _server.Endpoints.Where(_listeners.Bound.ContainsKey).Select(e => _listeners.Bound[e])];

    /// <summary>Completes when every endpoint listens (or faults when the listener could not start).</summary>
    public Task Started => _started.Task;

    /// <inheritdoc/>
    /// <exception cref="SettingsException">An endpoint cannot be bound, or the certificate cannot be read.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var endpoints = _options.Endpoints.Count > 0 ? _options.Endpoints : [new SmtpEndpointOptions()];
            _server = BuildOptions(endpoints, LoadCertificate());
            var problems = new List<string>();
            for (var i = 0; i < endpoints.Count; i++)
            {
                try
                {
                    _listeners.Open(_server.Endpoints[i]);
                }
                catch (SocketException e)
                {
                    var address = $"{endpoints[i].Address}:{endpoints[i].Port}";
                    problems.Add(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                        ? Core.Policy.PolicyTexts.Invalid($"{SmtpListenerOptions.SectionName}:Endpoints:{i}", $"{address} は別のプログラムが使用中です",
                            $"{address} is already in use by another program")
                        : Core.Policy.PolicyTexts.Invalid($"{SmtpListenerOptions.SectionName}:Endpoints:{i}", $"{address} で待ち受けできません（{e.Message}）",
                            $"cannot listen on {address} ({e.Message})"));
                }
            }

            if (problems.Count > 0)
            {
                throw new SettingsException(problems);
            }
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
            throw;
        }

        _logger.LogInformation("SMTP listening on {Endpoints}", string.Join(", ", Endpoints));
        _started.TrySetResult();
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var server = new SmtpServer.SmtpServer(_server!, _services);
        server.SessionCreated += (_, e) => SessionFacts.Track(e.Context);
        server.SessionFaulted += (_, e) =>
            _logger.LogInformation("SMTP session from {Client} ended with an error: {Error}", SessionFacts.ClientAddress(e.Context), e.Exception.Message);
        _listeners.HostStopping = stoppingToken;
        try
        {
            await server.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _listeners.Dispose();
        base.Dispose();
    }

    private ISmtpServerOptions BuildOptions(List<SmtpEndpointOptions> endpoints, X509Certificate2? certificate)
    {
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(_identity.ServerName)
            .CustomSmtpGreeting(_ => $"220 {_identity.ServerName} ESMTP Miraie SafeMail")
            .MaxMessageSize(_options.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            .MaxRetryCount(int.MaxValue) // errors are counted by SessionReplies, which does not count excess recipients
            .MaxAuthenticationAttempts(3)
            .CommandWaitTimeout(_options.SessionTimeout + TimeSpan.FromMinutes(1)); // a backstop: SessionWatchdog ends silent sessions first
        foreach (var endpoint in endpoints)
        {
            builder.Endpoint(e =>
            {
                e.Endpoint(new IPEndPoint(IPAddress.Parse(endpoint.Address), endpoint.Port))
                    .IsSecure(endpoint.Mode == SmtpEndpointMode.ImplicitTls)
                    .AuthenticationRequired(endpoint.RequireAuthentication)
                    .AllowUnsecureAuthentication(false)
                    // SmtpServer's "session timeout" cancels the whole session, a message being inspected included; SessionWatchdog
                    // applies MaxSessionDuration at the next wait for the client, so this is only a backstop.
                    .SessionTimeout(_options.MaxSessionDuration + _options.SessionTimeout)
                    .SupportedSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
                if (certificate is not null)
                {
                    e.Certificate(certificate);
                }
            });
        }

        return builder.Build();
    }

    private X509Certificate2? LoadCertificate()
    {
        if (string.IsNullOrWhiteSpace(_options.CertificatePath))
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(_options.CertificatePath, _options.CertificatePassword);
        }
        catch (CryptographicException e)
        {
            throw new SettingsException([Core.Policy.PolicyTexts.Invalid($"{SmtpListenerOptions.SectionName}:CertificatePath / CertificatePassword",
                $"証明書を読み込めません（パスワードが違うか PKCS#12 ではありません: {e.Message}）",
                $"the certificate cannot be read (wrong password, or not PKCS#12: {e.Message})")]);
        }
    }
}
