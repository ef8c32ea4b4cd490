using System.Data.Common;
using Miraie.SafeMail.Gateway.Health;
using Miraie.SafeMail.Storage.Nodes;

namespace Miraie.SafeMail.Web.Dashboard;

/// <summary>One gateway node as the dashboard shows it: running, not reporting or stopped; last report; the queue it holds.</summary>
/// <param name="NodeId">The node's id (SafeMail:Gateway:NodeId).</param>
/// <param name="State">Its state.</param>
/// <param name="LastSeen">Its last report (or its stop).</param>
/// <param name="Held">Queued messages it holds a live lease on.</param>
/// <param name="Listening">Its SMTP endpoints.</param>
public sealed record NodeRow(string NodeId, NodeRowState State, DateTimeOffset LastSeen, long Held, IReadOnlyList<string> Listening)
{
    /// <summary>Every node that ever reported, by id.</summary>
    public static async Task<IReadOnlyList<NodeRow>> LoadAsync(DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = await NodeStatusTable.HeldAsync(connection, now, cancellationToken);
        return (await NodeStatusTable.ReadAllAsync(connection, cancellationToken)).Select(n => new NodeRow(n.NodeId,
            n.StoppedAt is not null ? NodeRowState.Stopped : now - n.UpdatedAt < HealthReporter.Interval * 3 ? NodeRowState.Running : NodeRowState.NotReporting,
            n.StoppedAt ?? n.UpdatedAt, held.GetValueOrDefault(n.NodeId), n.Listening)).ToList();
    }
}
