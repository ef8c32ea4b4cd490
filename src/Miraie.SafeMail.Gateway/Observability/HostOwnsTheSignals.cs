using Microsoft.Extensions.Hosting;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// For a small Kestrel server inside the host (observability, the download page): the host handles SIGTERM and Ctrl+C
/// and stops the inner server with itself; the inner one must not listen for them too.
/// </summary>
internal sealed class HostOwnsTheSignals : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
