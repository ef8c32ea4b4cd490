using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// Runs before the listener opens: takes the data directory for this process alone, migrates the database, drops the
/// leases this node held when it last stopped and proves the spool is writable, or stops the host.
/// </summary>
internal sealed class GatewayStartup(SafeMailDatabase database, SpoolStore spool, GatewayIdentity identity, IMessageTransport transport,
    PolicyVersionWatcher policyVersions, ILogger<GatewayStartup> logger) : IHostedService, IDisposable
{
    private DataDirectoryLock? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _lock = DataDirectoryLock.Acquire(identity.DataDirectory);
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await ResumeLeasesAsync(cancellationToken).ConfigureAwait(false);
        spool.Probe();
        await policyVersions.RefreshAsync(cancellationToken).ConfigureAwait(false); // the console's policy, before the first message
        logger.LogInformation("SafeMail gateway {Server} (node {Node}) using data directory {Data}, delivering to {Transport}",
            identity.ServerName, identity.NodeId, identity.DataDirectory, transport.Description);
    }

    /// <summary>
    /// What this node held when it stopped (even by <c>kill -9</c>) is due again at once: delivered again — at least once,
    /// never lost. This must happen before the listener opens: a lease the accept path of this run grants (the message is
    /// handed to a worker at once) and that a later release dropped would let the poll claim the message as well, and
    /// it would be delivered twice.
    /// </summary>
    private async Task ResumeLeasesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var released = await Storage.Messages.MessageTable.ReleaseLeasesAsync(connection, identity.NodeId, cancellationToken).ConfigureAwait(false);
        if (released > 0)
        {
            logger.LogInformation("resuming {Count} queued messages this node held when it stopped", released);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Released only when the host is disposed, after every service (delivery, the store writer) has stopped.
    public void Dispose() => _lock?.Dispose();
}
