using System.Net;

namespace Miraie.SafeMail.Gateway;

/// <summary>The names this gateway uses for itself, resolved once from <see cref="GatewayOptions"/>.</summary>
public sealed class GatewayIdentity(GatewayOptions options)
{
    /// <summary>The name in greetings, Received headers and delivery reports.</summary>
    public string ServerName { get; } = string.IsNullOrWhiteSpace(options.ServerName) ? Dns.GetHostName() : options.ServerName.Trim();

    /// <summary>This node's id for leasing queued messages.</summary>
    public string NodeId { get; } = string.IsNullOrWhiteSpace(options.NodeId) ? Dns.GetHostName() : options.NodeId.Trim();

    /// <summary>The data directory, absolute.</summary>
    public string DataDirectory { get; } = Path.GetFullPath(options.DataDirectory);
}
