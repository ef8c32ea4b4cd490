using System.Net;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// <see cref="SmtpListenerOptions.TrustedNetworks"/> parsed once: the clients that may relay without authenticating and
/// that may take the reserved session slots. An IPv4-mapped IPv6 entry (<c>::ffff:10.0.0.0/104</c>) means its IPv4
/// network, as client addresses are compared in their IPv4 form.
/// </summary>
internal sealed class TrustedNetworks(IEnumerable<string> entries)
{
    private readonly IPNetwork[] _networks = [.. entries.Select(e => Normalize(IPNetwork.Parse(e.Trim())))];

    public bool Contains(IPAddress? address) => address is not null && _networks.Any(n => n.Contains(address));

    /// <summary>The IPv4 network an IPv4-mapped IPv6 network stands for; any other network unchanged.</summary>
    public static IPNetwork Normalize(IPNetwork network) =>
        network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;
}
