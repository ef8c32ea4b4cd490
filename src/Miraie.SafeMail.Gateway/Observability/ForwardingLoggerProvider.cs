using Microsoft.Extensions.Logging;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>An inner server logs into the host's loggers (which it does not own).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
