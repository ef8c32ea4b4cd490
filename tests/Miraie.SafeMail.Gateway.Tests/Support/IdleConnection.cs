using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A TCP connection that never sends a byte, from a chosen loopback address (Linux routes all of 127.0.0.0/8 to lo, so
/// 127.0.0.2, 127.0.0.3… are distinct clients to the gateway): what a slot-hogging client or a crowd of them does.
/// </summary>
public sealed class IdleConnection : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly byte[] _buffer = new byte[4096];
    private readonly StringBuilder _received = new();

    private IdleConnection(TcpClient tcp) => _tcp = tcp;

    public static async Task<IdleConnection> OpenAsync(IPEndPoint server, string fromAddress)
    {
        var tcp = new TcpClient(new IPEndPoint(IPAddress.Parse(fromAddress), 0));
        try
        {
            await tcp.ConnectAsync(server);
            return new IdleConnection(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="count"/> connections from one address, one after another.</summary>
    public static async Task<List<IdleConnection>> OpenManyAsync(IPEndPoint server, string fromAddress, int count)
    {
        var connections = new List<IdleConnection>();
        for (var i = 0; i < count; i++)
        {
            connections.Add(await OpenAsync(server, fromAddress));
        }

        return connections;
    }

    /// <summary>The first line the server sends (without CRLF), or null if none comes within <paramref name="wait"/> or it closes first.</summary>
    public async Task<string?> FirstLineAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (!_received.ToString().Contains("\r\n", StringComparison.Ordinal))
            {
                var count = await _tcp.GetStream().ReadAsync(_buffer, timeout.Token);
                if (count == 0)
                {
                    return null;
                }

                _received.Append(Encoding.ASCII.GetString(_buffer, 0, count));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return null;
        }

        var text = _received.ToString();
        return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
    }

    public void Dispose() => _tcp.Dispose();
}
