using System.Net;
using System.Net.Sockets;

namespace Miraie.SafeMail.Core.Settings;

/// <summary>
/// The reverse proxies a listener believes forwarded headers from (the console's <c>KnownProxies</c>, the download page's):
/// addresses or networks, never host names, never everything. Only the nearest hop is believed (ADR-011).
/// </summary>
public static class ProxyNetworks
{
    /// <summary>One entry as a network (a single address is a /32 or /128); null when it is neither.</summary>
    public static IPNetwork? Parse(string text)
    {
        text = text.Trim();
        if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
        {
            return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(text, out var network) ? network : null;
    }

    /// <summary>The problems with the entries, each naming its key under <paramref name="key"/> (<c>…:KnownProxies</c>).</summary>
    public static IEnumerable<string> Check(IReadOnlyList<string> proxies, string key)
    {
        for (var i = 0; i < proxies.Count; i++)
        {
            if (Parse(proxies[i]) is not { } network)
            {
                yield return $"{key}:{i}: 「{proxies[i]}」は IP アドレス（127.0.0.1）かネットワーク（10.1.2.0/24）にしてください（ホスト名は使えません） / " +
                             "must be an IP address (127.0.0.1) or a network (10.1.2.0/24), not a host name";
            }
            else if (network.PrefixLength == 0)
            {
                yield return $"{key}:{i}: 「{proxies[i]}」はすべてのアドレスを信用することになり、だれでも送信元を偽れます。プロキシのアドレスだけを書いてください / " +
                             "would believe every address, so anyone could forge their address: list the proxy's own addresses only";
            }
        }
    }
}
