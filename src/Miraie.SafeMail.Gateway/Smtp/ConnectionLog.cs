using System.Net;
using Microsoft.Extensions.Logging;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Refused connections and sessions closed for silence, at Information level, without letting a flood of them flood the
/// log: the first of a kind (per client for the per-client limit, otherwise per kind) is written at once; the same again
/// within a minute is only counted, and the count goes with the next line of that kind.
/// </summary>
internal sealed class ConnectionLog(ILogger logger, TimeProvider time)
{
    private const int MaxKinds = 1024;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly object _gate = new();
    private readonly Dictionary<(string Kind, IPAddress? Client), (long Since, int Suppressed)> _recent = [];

    public void Refused(IPAddress client, string reason, bool perClient)
    {
        if (ShouldWrite(("refused:" + reason, perClient ? ConnectionAdmission.ClientKey(client) : null), out var more))
        {
            logger.LogInformation("SMTP connection from {Client} refused: {Reason}{More}", client, reason, More(more));
        }
    }

    public void Closed(IPAddress client, string reason)
    {
        if (ShouldWrite(("closed:" + reason, null), out var more))
        {
            logger.LogInformation("SMTP session from {Client} closed: {Reason}{More}", client, reason, More(more));
        }
    }

    public void AcceptFailed(string error)
    {
        if (ShouldWrite(("accept", null), out var more))
        {
            logger.LogWarning("SMTP could not accept a connection: {Error}{More}", error, More(more));
        }
    }

    private static string More(int suppressed) => suppressed > 0 ? $" (and {suppressed} more like it since the last such line)" : "";

    private bool ShouldWrite((string Kind, IPAddress? Client) key, out int suppressed)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_recent.TryGetValue(key, out var seen) && time.GetElapsedTime(seen.Since, now) < Window)
            {
                _recent[key] = seen with { Suppressed = seen.Suppressed + 1 };
                suppressed = 0;
                return false;
            }

            if (_recent.Count >= MaxKinds)
            {
                foreach (var old in _recent.Where(r => time.GetElapsedTime(r.Value.Since, now) >= Window).Select(r => r.Key).ToList())
                {
                    _recent.Remove(old);
                }
            }

            suppressed = seen.Suppressed;
            _recent[key] = (now, 0);
            return true;
        }
    }
}
