using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>Keeps every log line a host writes, so a test can assert what an operator would read.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> _entries = new();
    private readonly ConcurrentQueue<string> _exceptions = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Entries => [.. _entries];

    /// <summary>Every exception logged with an entry, in full (message, inner exceptions, stack).</summary>
    public IReadOnlyList<string> Exceptions => [.. _exceptions];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._entries.Enqueue((logLevel, category, formatter(state, exception)));
            if (exception is not null)
            {
                owner._exceptions.Enqueue(exception.ToString());
            }
        }
    }
}
