using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Delivers to the configured smarthost with MailKit: up to <c>MaxParallel</c> connections at once, each kept open
/// and reused for the next message (probed with NOOP after a quiet minute), STARTTLS required / opportunistic / off
/// or implicit TLS, and SMTP AUTH when a user is configured. The stored bytes are sent exactly as accepted, never parsed
/// or re-encoded, with only the gateway's header lines in front (<see cref="VerbatimMessage"/>, ADR-013).
/// </summary>
public sealed class SmarthostTransport : IMessageTransport
{
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromMinutes(1);

    private readonly SmarthostOptions _options;
    private readonly string _localDomain;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<RecordingSmtpClient> _idle = [];

    /// <summary>Creates the transport; connections are opened on first use.</summary>
    public SmarthostTransport(SmarthostOptions options, int maxParallel, string localDomain, ILogger<SmarthostTransport> logger)
    {
        _options = options;
        _localDomain = localDomain;
        _logger = logger;
        _slots = new SemaphoreSlim(maxParallel, maxParallel);
    }

    /// <inheritdoc/>
    public string Description => $"smtp://{_options.Host}:{_options.Port} (TLS {_options.Tls})";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecipientOutcome>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A pooled connection may have died while idle (the smarthost restarted): that is not this message's failure,
            // so a connection-level error on a reused connection is retried once on a fresh one.
            var (outcomes, reusedConnectionFailed) = await AttemptAsync(message, allowPooled: true, cancellationToken).ConfigureAwait(false);
            return reusedConnectionFailed
                ? (await AttemptAsync(message, allowPooled: false, cancellationToken).ConfigureAwait(false)).Outcomes
                : outcomes;
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<(IReadOnlyList<RecipientOutcome> Outcomes, bool ReusedConnectionFailed)> AttemptAsync(OutboundMessage message, bool allowPooled,
        CancellationToken cancellationToken)
    {
        RecordingSmtpClient? client = null;
        var reused = false;
        try
        {
            (client, reused) = await CheckOutAsync(allowPooled, cancellationToken).ConfigureAwait(false);
            await using var content = await message.OpenContent(cancellationToken).ConfigureAwait(false);
            using var mime = await VerbatimMessage.CreateAsync(Encoding.ASCII.GetBytes(message.AddedHeaders), content, cancellationToken).ConfigureAwait(false);
            client.Refused.Clear();
            var recipients = message.Recipients.Select(r => new MailboxAddress("", r)).ToList();
            var sender = new MailboxAddress("", message.Sender);
            string reply;
            try
            {
                reply = await client.SendAsync(mime.SendOptions, mime, sender, recipients, cancellationToken).ConfigureAwait(false);
            }
            catch (RecordingSmtpClient.NoRecipientAcceptedException)
            {
                reply = "";
            }

            var refused = new Dictionary<string, SmtpResponse>(client.Refused, StringComparer.OrdinalIgnoreCase);
            client.LastUsed = DateTimeOffset.UtcNow;
            _idle.Add(client);
            client = null;
            return (message.Recipients.Select(address => refused.TryGetValue(address, out var no)
                ? new RecipientOutcome(address, Kind((int)no.StatusCode), $"{(int)no.StatusCode} {no.Response}", _options.Host)
                : new RecipientOutcome(address, OutcomeKind.Delivered, "250 " + reply, _options.Host)).ToList(), false);
        }
        catch (SmtpCommandException e)
        {
            _logger.LogWarning("{QueueId} smarthost refused the message: {Status} {Reply}", message.QueueId, (int)e.StatusCode, e.Message);
            return (message.Recipients.Select(r => new RecipientOutcome(r, Kind((int)e.StatusCode), $"{(int)e.StatusCode} {e.Message}", _options.Host)).ToList(), false);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or SslHandshakeException or ServiceNotConnectedException
            or MailKit.Security.AuthenticationException or NotSupportedException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (reused && e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException)
            {
                return ([], true);
            }

            _logger.LogWarning("{QueueId} smarthost {Host}:{Port} unavailable: {Error}", message.QueueId, _options.Host, _options.Port, e.Message);
            return (message.Recipients.Select(r => new RecipientOutcome(r, OutcomeKind.Temporary, "451 4.4.1 " + e.Message, _options.Host)).ToList(), false);
        }
        finally
        {
            if (client is not null)
            {
                await DisposeClientAsync(client).ConfigureAwait(false); // its state is unknown after a failure: never reuse it
            }
        }
    }

    private static OutcomeKind Kind(int status) => status is >= 500 and < 600 ? OutcomeKind.Permanent : OutcomeKind.Temporary;

    private async Task<(RecordingSmtpClient Client, bool Reused)> CheckOutAsync(bool allowPooled, CancellationToken cancellationToken)
    {
        while (allowPooled && _idle.TryTake(out var pooled))
        {
            if (!pooled.IsConnected)
            {
                await DisposeClientAsync(pooled).ConfigureAwait(false);
                continue;
            }

            if (DateTimeOffset.UtcNow - pooled.LastUsed < ProbeAfter)
            {
                return (pooled, true);
            }

            try
            {
                await pooled.NoOpAsync(cancellationToken).ConfigureAwait(false);
                return (pooled, true);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await DisposeClientAsync(pooled).ConfigureAwait(false);
            }
        }

        var client = new RecordingSmtpClient
        {
            LocalDomain = _localDomain,
            Timeout = (int)TimeSpan.FromMinutes(2).TotalMilliseconds,
        };
        if (_options.PinnedCertificateSha256 is { Length: > 0 } pinned)
        {
            // Trust exactly the pinned certificate when no CA vouches for it; everything else still needs a valid chain.
            var expected = Convert.FromHexString(pinned.Replace(":", "", StringComparison.Ordinal));
            client.CheckCertificateRevocation = false;
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData()), expected));
        }

        try
        {
            var socketOptions = _options.Tls switch
            {
                SmarthostTls.Required => SecureSocketOptions.StartTls,
                SmarthostTls.Opportunistic => SecureSocketOptions.StartTlsWhenAvailable,
                SmarthostTls.ImplicitTls => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.None,
            };
            var host = _options.Host ?? throw new InvalidOperationException("no smarthost host");
            await client.ConnectAsync(await ConnectSocketAsync(host, _options.Port, cancellationToken).ConfigureAwait(false), host, _options.Port, socketOptions,
                cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(_options.User))
            {
                await client.AuthenticateAsync(_options.User, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await DisposeClientAsync(client).ConfigureAwait(false);
            throw;
        }

        return (client, false);
    }

    /// <summary>
    /// The TCP connection, with Nagle's algorithm off: SMTP is a dialogue of small writes, and with Nagle on, each reply
    /// waits out the peer's delayed ACK (~40 ms per message, measured: it was most of the gateway's added latency).
    /// </summary>
    private static async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var addresses = await System.Net.Dns.GetHostAddressesAsync(host, timeout.Token).ConfigureAwait(false);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                last = e;
            }
        }

        throw last as SocketException ?? new SocketException((int)(last is OperationCanceledException ? SocketError.TimedOut : SocketError.HostNotFound));
    }

    private static async Task DisposeClientAsync(RecordingSmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Closing a broken connection may fail too; it is being discarded either way.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client))
        {
            await DisposeClientAsync(client).ConfigureAwait(false);
        }

        _slots.Dispose();
    }
}
