namespace Miraie.SafeMail.Storage.Nodes;

/// <summary>A node's report of itself.</summary>
/// <param name="NodeId">Which node.</param>
/// <param name="UpdatedAt">When it last reported (every 10 seconds while running).</param>
/// <param name="Listening">The SMTP endpoints it listens on, <c>host:port</c>.</param>
/// <param name="SpoolOk">Whether its last spool probe (create, sync, delete a file) worked.</param>
/// <param name="SpoolError">The probe's error, if it failed.</param>
/// <param name="LastDeliveryAt">When it last tried to deliver.</param>
/// <param name="LastDeliveryOk">Whether that delivery fully succeeded.</param>
/// <param name="LastDeliveryNote">The last delivery's error, or <c>ok</c>.</param>
public sealed record NodeStatus(string NodeId, DateTimeOffset UpdatedAt, IReadOnlyList<string> Listening, bool SpoolOk, string? SpoolError,
    DateTimeOffset? LastDeliveryAt, bool? LastDeliveryOk, string? LastDeliveryNote)
{
    /// <summary>When the node's process started; null from a gateway older than the retention report.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The retention purge's last run on this node; null before its first (or from an older gateway).</summary>
    public PurgeRun? LastPurge { get; init; }

    /// <summary>When the node stopped on purpose (its leases handed back); null while it runs, and after a crash.</summary>
    public DateTimeOffset? StoppedAt { get; init; }
}
