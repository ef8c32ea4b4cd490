using System.Net;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>What a session knows about its client, kept in SmtpServer's per-session property bag.</summary>
internal static class SessionFacts
{
    private const string HeloKey = "SafeMail.Helo";

    /// <summary>Starts remembering the HELO/EHLO name of a new session.</summary>
    public static void Track(ISessionContext context) => context.CommandExecuting += (_, e) =>
    {
        var name = e.Command switch
        {
            EhloCommand ehlo => ehlo.DomainOrAddress,
            HeloCommand helo => helo.DomainOrAddress,
            _ => null,
        };
        if (name is not null)
        {
            e.Context.Properties[HeloKey] = name;
        }
    };

    public static string? Helo(ISessionContext context) => context.Properties.TryGetValue(HeloKey, out var value) ? value as string : null;

    public static IPAddress? ClientAddress(ISessionContext context) =>
        context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var value) && value is IPEndPoint endpoint
            ? (endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address)
            : null;
}
