using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Never an open relay: a client may send only from a trusted network (CIDR list) or after SMTP AUTH (which is offered
/// only over TLS). Everyone else gets <c>554 5.7.1</c> at MAIL FROM. Also enforces the recipient limit: <c>452 4.5.3</c>
/// for each recipient over it, and the session goes on, so the client sends DATA for the accepted ones and the rest in
/// another transaction (RFC 5321 §4.5.3.1.10; see <see cref="SessionReplies"/>).
/// </summary>
internal sealed class RelayMailboxFilter(IOptions<SmtpListenerOptions> options, TrustedNetworks trusted) : IMailboxFilter
{
    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        context.Properties.Remove(RecipientCountKey); // MAIL FROM starts a new transaction
        if (context.Authentication.IsAuthenticated || trusted.Contains(SessionFacts.ClientAddress(context)))
        {
            return Task.FromResult(true);
        }

        throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.TransactionFailed,
            "5.7.1 Relaying denied: this client must authenticate (AUTH is offered after STARTTLS)"));
    }

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        if (context.Properties.TryGetValue(RecipientCountKey, out var value) && value is int count && count >= options.Value.MaxRecipients)
        {
            throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.InsufficientStorage, "4.5.3 Error: too many recipients"));
        }

        context.Properties[RecipientCountKey] = (value as int? ?? 0) + 1;
        return Task.FromResult(true);
    }

    private const string RecipientCountKey = "SafeMail.RecipientCount";
}
