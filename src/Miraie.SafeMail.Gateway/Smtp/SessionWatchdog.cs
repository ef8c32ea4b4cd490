using System.Collections.Concurrent;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Ends sessions whose client keeps a slot without using it, as Postfix's <c>smtpd_timeout</c> does, checking every
/// session a few times per shortest timeout:
/// <list type="bullet">
/// <item>no command within <see cref="SmtpListenerOptions.FirstCommandTimeout"/> of connecting (TLS handshake included);</item>
/// <item>silent for <see cref="SmtpListenerOptions.SessionTimeout"/> — or <see cref="SmtpListenerOptions.BusySessionTimeout"/>
/// while the gateway is busy (<see cref="ConnectionAdmission.IsBusy"/>), which also applies to sessions already waiting;</item>
/// <item>still going after <see cref="SmtpListenerOptions.MaxSessionDuration"/>, at the next wait for the client.</item>
/// </list>
/// Only waits for the client count: a message being inspected or stored is never cut short. The client gets
/// <c>421 4.4.2</c> and the connection is closed.
/// </summary>
internal sealed class SessionWatchdog : IDisposable
{
    private readonly SmtpListenerOptions _options;
    private readonly ConnectionAdmission _admission;
    private readonly TimeProvider _time;
    private readonly ConnectionLog _log;
    private readonly string _serverName;
    private readonly ConcurrentDictionary<SessionGuard, byte> _sessions = new();
    private readonly ITimer _timer;

    public SessionWatchdog(SmtpListenerOptions options, ConnectionAdmission admission, TimeProvider time, ConnectionLog log, string serverName)
    {
        _options = options;
        _admission = admission;
        _time = time;
        _log = log;
        _serverName = serverName;
        var shortest = new[] { options.FirstCommandTimeout, options.BusySessionTimeout, options.SessionTimeout }.Min();
        var period = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    public void Add(SessionGuard session) => _sessions.TryAdd(session, 0);

    public void Remove(SessionGuard session) => _sessions.TryRemove(session, out _);

    public void Dispose() => _timer.Dispose();

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        var busy = _admission.IsBusy;
        foreach (var session in _sessions.Keys)
        {
            if (!session.IsExpired && Overdue(session, now, busy) is { } reason
                && session.Expire($"421 4.4.2 {_serverName} Error: {reason.Reply}"))
            {
                _log.Closed(session.Client, reason.Log);
            }
        }
    }

    private (string Reply, string Log)? Overdue(SessionGuard session, long now, bool busy)
    {
        if (!session.CommandSeen && _time.GetElapsedTime(session.StartedAt, now) > _options.FirstCommandTimeout)
        {
            return ("timeout exceeded", $"no command within {_options.FirstCommandTimeout} of connecting (SafeMail:Smtp:FirstCommandTimeout)");
        }

        if (session.WaitingSince is not { } since)
        {
            return null;
        }

        var silent = _time.GetElapsedTime(since, now);
        if (busy && silent > _options.BusySessionTimeout)
        {
            return ("timeout exceeded", $"silent for {_options.BusySessionTimeout} while the gateway is busy (SafeMail:Smtp:BusySessionTimeout)");
        }

        if (silent > _options.SessionTimeout)
        {
            return ("timeout exceeded", $"silent for {_options.SessionTimeout} (SafeMail:Smtp:SessionTimeout)");
        }

        return _time.GetElapsedTime(session.StartedAt, now) > _options.MaxSessionDuration
            ? ("session time limit exceeded", $"session longer than {_options.MaxSessionDuration} (SafeMail:Smtp:MaxSessionDuration)")
            : null;
    }
}
