using System.Net;
using System.Net.Sockets;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Decides, as each connection is accepted, whether it may have a session: at most <see cref="SmtpListenerOptions.MaxConnections"/>
/// in all, of which <see cref="SmtpListenerOptions.ReservedTrustedConnections"/> only for trusted networks, and at most
/// <see cref="SmtpListenerOptions.MaxConnectionsPerClient"/> from one address (IPv6: one /64, which one host can fill with
/// addresses of its own). Every admitted session is released exactly once, when its connection is closed.
/// </summary>
internal sealed class ConnectionAdmission(SmtpListenerOptions options, TrustedNetworks trusted)
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private int _open;

    /// <summary>Sessions open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>
    /// True once only the reserved trusted slots are left (so new untrusted clients are refused): silent sessions then get
    /// <see cref="SmtpListenerOptions.BusySessionTimeout"/> instead of <see cref="SmtpListenerOptions.SessionTimeout"/>.
    /// </summary>
    public bool IsBusy => Open >= UntrustedLimit;

    private int UntrustedLimit => options.MaxConnections - options.ReservedTrustedConnections;

    /// <summary>Takes a slot for <paramref name="client"/>, or says why not (and takes nothing).</summary>
    public AdmissionRefusal? TryAdmit(IPAddress client)
    {
        var key = ClientKey(client);
        lock (_gate)
        {
            _perClient.TryGetValue(key, out var fromClient);
            if (fromClient >= options.MaxConnectionsPerClient)
            {
                return AdmissionRefusal.TooManyFromClient;
            }

            if (_open >= options.MaxConnections || (_open >= UntrustedLimit && !trusted.Contains(client)))
            {
                return AdmissionRefusal.Busy;
            }

            _perClient[key] = fromClient + 1;
            _open++;
            return null;
        }
    }

    /// <summary>Gives back the slot <see cref="TryAdmit"/> took for <paramref name="client"/>.</summary>
    public void Release(IPAddress client)
    {
        var key = ClientKey(client);
        lock (_gate)
        {
            _open--;
            if (_perClient.TryGetValue(key, out var fromClient) && fromClient > 1)
            {
                _perClient[key] = fromClient - 1;
            }
            else
            {
                _perClient.Remove(key);
            }
        }
    }

    /// <summary>What counts as one client: the address, an IPv6 address by its /64.</summary>
    public static IPAddress ClientKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
