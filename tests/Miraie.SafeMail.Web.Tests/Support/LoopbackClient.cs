using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>
/// A browser-like HttpClient over real sockets (cookies kept, redirects not followed) whose connections leave from a chosen
/// loopback address (127.0.0.2, 127.0.0.3, …: Linux routes all of 127/8 to the loopback interface), so the server sees
/// several genuinely different client addresses. Optionally connects to a fixed port whatever the URL names, so a public
/// host name (with its TLS server name) reaches a proxy on 127.0.0.1.
/// </summary>
internal static class LoopbackClient
{
    /// <param name="baseAddress">The address requests are relative to.</param>
    /// <param name="from">The client's own address (a loopback address).</param>
    /// <param name="connectTo">Where to connect instead of the URL's host and port (for a public name served on loopback).</param>
    /// <param name="trusted">The only server certificate accepted over HTTPS (a test's self-signed one).</param>
    public static HttpClient Create(Uri baseAddress, IPAddress from, IPEndPoint? connectTo = null, X509Certificate2? trusted = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    var target = connectTo ?? new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port);
                    await socket.ConnectAsync(target, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (trusted is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString();
        }

        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>127.0.0.<paramref name="last"/>.</summary>
    public static IPAddress Address(int last) => new([127, 0, 0, (byte)last]);
}
