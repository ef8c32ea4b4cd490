using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// Runs before the listener opens: takes the data directory for this process alone, migrates the database and proves
/// the spool is writable, or stops the host.
/// </summary>
internal sealed class GatewayStartup(SafeMailDatabase database, SpoolStore spool, GatewayIdentity identity, IMessageTransport transport,
    PolicyVersionWatcher policyVersions, ILogger<GatewayStartup> logger) : IHostedService, IDisposable
{
    private DataDirectoryLock? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _lock = DataDirectoryLock.Acquire(identity.DataDirectory);
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        spool.Probe();
        await policyVersions.RefreshAsync(cancellationToken).ConfigureAwait(false); // the console's policy, before the first message
        logger.LogInformation("SafeMail gateway {Server} (node {Node}) using data directory {Data}, delivering to {Transport}",
            identity.ServerName, identity.NodeId, identity.DataDirectory, transport.Description);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Released only when the host is disposed, after every service (delivery, the store writer) has stopped.
    public void Dispose() => _lock?.Dispose();
}
