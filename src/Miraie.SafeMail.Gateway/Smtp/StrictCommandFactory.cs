using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// SmtpServer's commands with RFC 5321's size limits applied (§4.5.3.1: domain 255, local part 64, path 256 octets),
/// which the library does not enforce: an overlong HELO name or address is refused with <c>501 5.5.4</c> instead of
/// being accepted and carried into trace headers and logs. HELO and EHLO answer in the gateway's words
/// (<see cref="GatewayHeloCommand"/>, <see cref="GatewayEhloCommand"/>); PROXY is refused.
/// </summary>
internal sealed class StrictCommandFactory : SmtpCommandFactory
{
    private const int MaxDomain = 255;
    private const int MaxLocalPart = 64;
    private const int MaxPath = 256;

    public override SmtpCommand CreateHelo(string domainOrAddress) => new GatewayHeloCommand(Domain(domainOrAddress));

    public override SmtpCommand CreateEhlo(string domainOrAddress) => new GatewayEhloCommand(Domain(domainOrAddress));

    public override SmtpCommand CreateMail(IMailbox address, IReadOnlyDictionary<string, string> parameters) => base.CreateMail(Mailbox(address), parameters);

    public override SmtpCommand CreateRcpt(IMailbox address) => base.CreateRcpt(Mailbox(address));

    /// <summary>
    /// HAProxy's PROXY line, which the library accepts from any client and answers with nothing at all (the client then
    /// waits for a reply until it gives up). The gateway is not run behind a proxy that sends it: refused like any unknown command.
    /// </summary>
    public override SmtpCommand CreateProxy(System.Net.IPEndPoint sourceEndpoint, System.Net.IPEndPoint destinationEndpoint) =>
        throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.CommandNotImplemented, "5.5.1 Error: command not implemented"));

    private static string Domain(string domain) =>
        domain.Length > MaxDomain || domain.Any(char.IsControl) ? throw Refuse("domain name too long or malformed") : domain;

    private static IMailbox Mailbox(IMailbox mailbox)
    {
        if ((mailbox.User?.Length ?? 0) > MaxLocalPart || (mailbox.Host?.Length ?? 0) > MaxDomain
            || (mailbox.User?.Length ?? 0) + (mailbox.Host?.Length ?? 0) + 1 > MaxPath)
        {
            throw Refuse("address too long");
        }

        return mailbox;
    }

    private static SmtpResponseException Refuse(string what) =>
        new(new SmtpResponse(SmtpReplyCode.SyntaxError, $"5.5.4 {what} (RFC 5321 4.5.3.1)"));
}
