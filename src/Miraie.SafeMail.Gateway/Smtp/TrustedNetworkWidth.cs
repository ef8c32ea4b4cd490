using System.Globalization;
using System.Net;
using System.Numerics;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Refuses trusted networks too wide to be a private network, whichever way they are written (<c>0.0.0.0/00</c>,
/// <c>0.0.0.0/1</c> + <c>128.0.0.0/1</c>, <c>::ffff:0:0/96</c>): every client in them may relay, so a wide set is an open relay.
/// <list type="bullet">
/// <item>An IPv4 entry may be no wider than /8 (10.0.0.0/8 is the largest private network), and all IPv4 entries together
/// (overlaps counted once, loopback not counted) may cover no more than the private ranges 10/8, 172.16/12 and 192.168/16 do.</item>
/// <item>An IPv6 entry inside the unique-local (fc00::/7) or link-local (fe80::/10) ranges may be as wide as the range;
/// any other may be no wider than /32 (one organisation's allocation), and all of those together no more than one /32.</item>
/// </list>
/// </summary>
internal static class TrustedNetworkWidth
{
    private const int WidestIPv4 = 8;
    private const int WidestIPv6 = 32;
    private static readonly UInt128 PrivateIPv4Addresses = (UInt128)(1 << 24) + (1 << 20) + (1 << 16);
    private static readonly UInt128 WidestIPv6Addresses = UInt128.One << (128 - WidestIPv6);
    private static readonly IPNetwork[] NotCounted = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];
    private static readonly IPNetwork[] PrivateIPv6 = [IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10")];

    /// <summary>One problem per entry that is too wide, then one for the whole list if together they are; each names its key.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<string> entries, string key)
    {
        var counted = new List<IPNetwork>();
        var problems = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (!IPNetwork.TryParse(entries[i].Trim(), out var parsed))
            {
                continue; // reported as not CIDR by the caller
            }

            var network = TrustedNetworks.Normalize(parsed);
            if (TooWide(network) is { } widest)
            {
                problems.Add(PolicyTexts.Invalid($"{key}:{i}",
                    $"「{entries[i]}」は広すぎます（最大 /{widest}）。すべてのアドレスに近い範囲を信頼するとオープンリレーになります",
                    $"'{entries[i]}' is too wide (at most /{widest}) to be a private network: trusting it makes an open relay"));
            }
            else if (!Array.Exists(NotCounted, n => Inside(network, n)) && !Array.Exists(PrivateIPv6, n => Inside(network, n)))
            {
                counted.Add(network);
            }
        }

        var ipv4 = Covered(counted.Where(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));
        if (problems.Count == 0 && ipv4 > PrivateIPv4Addresses)
        {
            problems.Add(PolicyTexts.Invalid(key,
                $"IPv4 のネットワークが合計 {Count(ipv4)} 個のアドレスを含み、プライベートアドレス全体（{Count(PrivateIPv4Addresses)} 個）より広いためオープンリレーになります",
                $"the IPv4 networks together cover {Count(ipv4)} addresses, more than all private networks ({Count(PrivateIPv4Addresses)}): that is an open relay"));
        }

        var ipv6 = Covered(counted.Where(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6));
        if (problems.Count == 0 && ipv6 > WidestIPv6Addresses)
        {
            problems.Add(PolicyTexts.Invalid(key,
                $"fc00::/7・fe80::/10 以外の IPv6 ネットワークが合計で /{WidestIPv6} 1 個分より広いためオープンリレーになります",
                $"the IPv6 networks outside fc00::/7 and fe80::/10 together cover more than one /{WidestIPv6}: that is an open relay"));
        }

        return problems;
    }

    /// <summary>The widest prefix allowed for this network when it is wider than that; null when it is narrow enough.</summary>
    private static int? TooWide(IPNetwork network)
    {
        if (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return network.PrefixLength < WidestIPv4 ? WidestIPv4 : null;
        }

        return network.PrefixLength < WidestIPv6 && !Array.Exists(PrivateIPv6, n => Inside(network, n)) ? WidestIPv6 : null;
    }

    private static bool Inside(IPNetwork inner, IPNetwork outer) =>
        inner.BaseAddress.AddressFamily == outer.BaseAddress.AddressFamily && inner.PrefixLength >= outer.PrefixLength && outer.Contains(inner.BaseAddress);

    /// <summary>How many addresses the networks cover, overlaps counted once.</summary>
    private static UInt128 Covered(IEnumerable<IPNetwork> networks)
    {
        var total = UInt128.Zero;
        UInt128? end = null; // last address of the run being merged
        foreach (var (first, last) in networks.Select(Range).OrderBy(r => r.First))
        {
            if (end is { } e && first <= e)
            {
                if (last > e)
                {
                    total += last - e;
                    end = last;
                }

                continue;
            }

            total += last - first + 1;
            end = last;
        }

        return total;
    }

    private static (UInt128 First, UInt128 Last) Range(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var first = UInt128.Zero;
        foreach (var b in bytes)
        {
            first = (first << 8) | b;
        }

        var hostBits = (bytes.Length * 8) - network.PrefixLength;
        return (first, first + ((UInt128.One << hostBits) - 1));
    }

    private static string Count(UInt128 value) => ((BigInteger)value).ToString("N0", CultureInfo.InvariantCulture);
}
