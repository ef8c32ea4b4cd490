using SmtpServer;
using SmtpServer.Protocol;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>HELO, answered with the gateway's name, as Postfix does (the library adds "haven't we met before?").</summary>
internal sealed class GatewayHeloCommand(string domainOrAddress) : HeloCommand(domainOrAddress)
{
    protected override string GetGreeting(ISessionContext context) => context.ServerOptions.ServerName;
}
