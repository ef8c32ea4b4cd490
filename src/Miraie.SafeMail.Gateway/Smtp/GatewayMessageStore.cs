using System.Buffers;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway.Processing;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// The thin edge between SmtpServer and the gateway: hands the message the session captured (<see cref="CapturingPipe"/>;
/// the buffer SmtpServer passes only holds a stand-in) to <see cref="MessageAcceptor"/> and turns its
/// outcome into the reply. A message that could not be written while it arrived is a 451, one over the size limit a 552.
/// </summary>
internal sealed class GatewayMessageStore(MessageAcceptor acceptor, ILogger<GatewayMessageStore> logger) : MessageStore
{
    public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        using var capture = (context.Pipe as CapturingPipe)?.TakeCapture();
        if (capture is null)
        {
            logger.LogError("end of DATA without a captured message; answering 451");
            return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Requested action aborted: local error, try again later");
        }

        if (capture.Failure is { } failure)
        {
            logger.LogError(failure, "the message could not be written while it arrived; answering 451 so the client retries");
            return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Requested action aborted: local storage problem, try again later");
        }

        if (capture.TooLarge)
        {
            return new SmtpResponse(SmtpReplyCode.SizeLimitExceeded, $"5.3.4 Message too big (the limit is {capture.MaxBytes} bytes)");
        }

        var message = new ReceivedMessage(
            capture.Content,
            transaction.From is null || transaction.From == Mailbox.Empty ? "" : transaction.From.AsAddress(),
            transaction.To.Select(t => t.AsAddress()).ToList(),
            SessionFacts.ClientAddress(context)?.ToString(),
            SessionFacts.Helo(context),
            context.Authentication.IsAuthenticated ? context.Authentication.User : null,
            context.Pipe?.IsSecure == true);
        var result = await acceptor.AcceptAsync(message, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            AcceptOutcome.Queued or AcceptOutcome.Quarantined or AcceptOutcome.Held or AcceptOutcome.AwaitingApproval => new SmtpResponse(SmtpReplyCode.Ok, result.Reply),
            AcceptOutcome.Rejected => new SmtpResponse(SmtpReplyCode.TransactionFailed, result.Reply),
            _ => new SmtpResponse(SmtpReplyCode.Aborted, result.Reply),
        };
    }
}
