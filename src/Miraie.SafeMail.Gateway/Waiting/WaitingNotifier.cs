using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// Queues the mails that follow the 250 of held, approval and BCC変換 mail: the optional held notice to the sender, the
/// approval request to each approver, the BCC変換 notice to the sender. A courtesy: failing to queue one is logged and
/// never changes the message's fate (the pane and the console list it all the same).
/// </summary>
public sealed class WaitingNotifier(SafeMailDatabase database, OutboundMail outbound, WaitingNotices notices, IOptions<WaitingOptions> options,
    ILogger<WaitingNotifier> logger)
{
    /// <summary>Tells the sender their message is held, when <see cref="WaitingOptions.NotifyHeld"/> is on.</summary>
    public Task HeldAsync(MessageRecord message) =>
        options.Value.NotifyHeld ? SendAsync(message, WaitingNotice.Held, [message.EnvelopeFrom]) : Task.CompletedTask;

    /// <summary>Asks each approver of the message to decide; with none found, the admins named in <see cref="WaitingOptions.AdminContacts"/>.</summary>
    public Task ApprovalRequestedAsync(MessageRecord message) =>
        SendAsync(message, WaitingNotice.ApprovalRequest, message.Approvers.Count > 0 ? message.Approvers : options.Value.AdminContacts.Select(a => a.Trim()).ToList());

    /// <summary>Tells the sender the gateway hides the message's To/Cc (BCC変換); every recipient still gets it.</summary>
    public Task ConvertedToBccAsync(MessageRecord message) => SendAsync(message, WaitingNotice.ConvertedToBcc, [message.EnvelopeFrom]);

    /// <summary>Tells the sender the gateway encrypted the attachments, with the archive's name, files and password.</summary>
    public Task EncryptedAsync(MessageRecord message, Encryption.EncryptedMessage archive, bool passwordMailed) =>
        SendAsync(message, "encrypted", [message.EnvelopeFrom], to => notices.Encrypted(message, to, archive, passwordMailed));

    private Task SendAsync(MessageRecord message, WaitingNotice kind, IReadOnlyList<string> recipients) =>
        SendAsync(message, kind.ToString(), recipients, to => notices.Create(kind, message, to));

    private async Task SendAsync(MessageRecord message, string kind, IReadOnlyList<string> recipients, Func<string, MimeKit.MimeMessage?> create)
    {
        try
        {
            var records = new List<MessageRecord>();
            foreach (var recipient in recipients)
            {
                if (create(recipient) is { } notice)
                {
                    records.Add(await outbound.StoreAsync(notice, MessageOrigin.Notice, recipient, "notice", QuarantineNotice.EnvelopeSender, CancellationToken.None)
                        .ConfigureAwait(false));
                }
            }

            if (records.Count == 0)
            {
                return;
            }

            await using var connection = await database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var transaction = (DbTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            foreach (var record in records)
            {
                await MessageTable.InsertAsync(connection, transaction, record).ConfigureAwait(false);
                await AuditLog.AppendAsync(connection, transaction, record.ReceivedAt, AuditLog.System, AuditActions.Notify, message.Id,
                    $"notice {record.Id} to {record.Recipients[0].Address}").ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "{QueueId} the {Kind} notice could not be queued", message.Id, kind);
        }
    }
}
