using System.Buffers;
using Miraie.SafeMail.Gateway.Processing;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>The thin edge between SmtpServer and the gateway: hands the received bytes to <see cref="MessageAcceptor"/> and turns its outcome into the reply.</summary>
internal sealed class GatewayMessageStore(MessageAcceptor acceptor) : MessageStore
{
    public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        var message = new ReceivedMessage(
            DataNormalizer.Normalize(buffer),
            transaction.From is null || transaction.From == Mailbox.Empty ? "" : transaction.From.AsAddress(),
            transaction.To.Select(t => t.AsAddress()).ToList(),
            SessionFacts.ClientAddress(context)?.ToString(),
            SessionFacts.Helo(context),
            context.Authentication.IsAuthenticated ? context.Authentication.User : null,
            context.Pipe?.IsSecure == true);
        var result = await acceptor.AcceptAsync(message, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            AcceptOutcome.Queued or AcceptOutcome.Quarantined => new SmtpResponse(SmtpReplyCode.Ok, result.Reply),
            AcceptOutcome.Rejected => new SmtpResponse(SmtpReplyCode.TransactionFailed, result.Reply),
            _ => new SmtpResponse(SmtpReplyCode.Aborted, result.Reply),
        };
    }
}
