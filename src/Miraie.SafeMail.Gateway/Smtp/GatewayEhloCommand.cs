using SmtpServer;
using SmtpServer.Protocol;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>EHLO, answered with the gateway's name on the first line, as Postfix does (the library adds "haven't we met before?").</summary>
internal sealed class GatewayEhloCommand(string domainOrAddress) : EhloCommand(domainOrAddress)
{
    protected override string GetGreeting(ISessionContext context) => context.ServerOptions.ServerName;
}
