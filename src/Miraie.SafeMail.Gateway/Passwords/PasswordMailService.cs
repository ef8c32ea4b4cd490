using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Nodes;
using Miraie.SafeMail.Storage.Passwords;

namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>
/// Sends the password mails due after deliveries (<see cref="PasswordMailTable"/>), every couple of seconds: in
/// <c>gateway</c> mode each is queued as the gateway's own mail (durably, in the same transaction that marks it sent);
/// in <c>graph</c> mode each goes through Microsoft Graph as the sender, retried with the delivery backoff until the
/// delivery lifetime runs out. Then passwords no message needs any more are erased. Every send and failure is audited.
/// </summary>
public sealed class PasswordMailService(
    SafeMailDatabase database,
    StoreWriter writer,
    ArchivePasswords passwords,
    PasswordMail mail,
    OutboundMail outbound,
    DeliveryHandoff handoff,
    GatewayIdentity identity,
    IOptionsMonitor<PasswordDeliveryOptions> options,
    IOptions<DeliveryOptions> delivery,
    Func<GraphSendOptions, GraphPasswordSender> graphSender,
    TimeProvider time,
    ILogger<PasswordMailService> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private GraphPasswordSender? _graph;

    /// <summary>The Graph sender, made from the settings on first use (only in graph mode).</summary>
    private GraphPasswordSender Graph => _graph ??= graphSender(options.CurrentValue.Graph);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Never stop the host over a password mail: whatever failed is still pending and is tried again.
                logger.LogError(e, "password mail: a pass failed; trying again");
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass: sends what is due, erases what is finished; the number of password mails sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        // One node at a time sends password mails: two passes at once would both find the same mail due and send it twice.
        await using var clusterLock = await ClusterLock.TryAcquireAsync(database, "password-mail", cancellationToken).ConfigureAwait(false);
        if (clusterLock is null)
        {
            return 0; // another node is on it
        }

        var now = time.GetUtcNow();
        IReadOnlyList<DuePasswordMail> due;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            due = await PasswordMailTable.DueAsync(connection, now, 50, cancellationToken).ConfigureAwait(false);
        }

        var sent = 0;
        foreach (var group in due.GroupBy(d => (d.ArchiveId, d.MessageId)))
        {
            sent += await SendAsync(group.Key.ArchiveId, group.Key.MessageId, group.ToList(), cancellationToken).ConfigureAwait(false);
        }

        await EraseFinishedAsync(cancellationToken).ConfigureAwait(false);
        return sent;
    }

    private async Task<int> SendAsync(string archiveId, string messageId, IReadOnlyList<DuePasswordMail> mails, CancellationToken cancellationToken)
    {
        StoredArchive? archive;
        string? unreadable = null;
        try
        {
            archive = await passwords.GetAsync(archiveId, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // The data protection keys in DATA/keys are not the ones the password was stored with (deleted, or another node's).
            archive = null;
            unreadable = "the stored password cannot be decrypted (data protection keys in DATA/keys changed): " + e.Message;
        }

        MessageRecord? message;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            message = await MessageTable.GetAsync(connection, messageId, cancellationToken).ConfigureAwait(false);
        }

        var mode = options.CurrentValue.Mode;
        var problem = unreadable ?? (archive is null ? "the password is no longer kept (erased after SafeMail:PasswordDelivery:KeepFor)"
            : message is null ? "the message is gone"
            : mode == PasswordDeliveryOptions.PaneMode ? "SafeMail:PasswordDelivery:Mode is pane: the sender sends the password"
            : null);
        if (problem is not null)
        {
            foreach (var failed in mails)
            {
                await FailAsync(failed, problem).ConfigureAwait(false);
            }

            return 0;
        }

        var facts = Facts(archive!, message!);
        var sent = 0;
        foreach (var due in mails)
        {
            var letter = mail.Create(facts, due.Recipient);
            sent += mode == PasswordDeliveryOptions.GraphMode
                ? await SendByGraphAsync(due, archive!.Sender, letter, cancellationToken).ConfigureAwait(false)
                : await QueueAsync(due, letter, message!.EnvelopeFrom, cancellationToken).ConfigureAwait(false);
        }

        return sent;
    }

    private static PasswordMailFacts Facts(StoredArchive archive, MessageRecord message)
    {
        var from = message.HeaderFrom is { Length: > 0 } header && MailboxAddress.TryParse(header, out var parsed) ? parsed
            : new MailboxAddress("", message.EnvelopeFrom.Length > 0 ? message.EnvelopeFrom : archive.Sender);
        return new PasswordMailFacts(from, from.Address, message.Subject, message.MessageIdHeader, message.ReceivedAt, archive.FileName, archive.Password);
    }

    /// <summary>Gateway mode: queued like a delivery report, and marked sent in the same commit.</summary>
    private async Task<int> QueueAsync(DuePasswordMail due, MimeMessage letter, string envelopeFrom, CancellationToken cancellationToken)
    {
        // With the original's envelope sender: a recipient refusing the password mail is reported to the sender (DSN).
        var record = await outbound.StoreAsync(letter, MessageOrigin.Password, due.Recipient, "password-mail", envelopeFrom, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await writer.RunAsync(async (connection, transaction) =>
        {
            await MessageTable.InsertAsync(connection, transaction, record, identity.NodeId, now + delivery.Value.LeaseTime).ConfigureAwait(false);
            await PasswordMailTable.UpdateAsync(connection, transaction, due, PasswordMailTable.Sent, now, null, null, record.Id).ConfigureAwait(false);
            await AuditLog.AppendAsync(connection, transaction, now, AuditLog.System, AuditActions.PasswordMail, due.MessageId,
                $"archive {due.ArchiveId} to {due.Recipient} as {record.Id}").ConfigureAwait(false);
        }).ConfigureAwait(false);
        handoff.Enqueue(record.Id);
        logger.LogInformation("{QueueId} password mail for archive {Archive} to {Recipient} queued as {PasswordId}", due.MessageId, due.ArchiveId, due.Recipient, record.Id);
        return 1;
    }

    /// <summary>Graph mode: sent as the sender; temporary failures wait for the delivery backoff, for the delivery lifetime at most.</summary>
    private async Task<int> SendByGraphAsync(DuePasswordMail due, string mailbox, MimeMessage letter, CancellationToken cancellationToken)
    {
        var result = await Graph.SendAsync(mailbox, letter, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (result.Outcome == GraphSendOutcome.Sent)
        {
            await writer.RunAsync(async (connection, transaction) =>
            {
                await PasswordMailTable.UpdateAsync(connection, transaction, due, PasswordMailTable.Sent, now, null, null, "graph").ConfigureAwait(false);
                await AuditLog.AppendAsync(connection, transaction, now, AuditLog.System, AuditActions.PasswordMail, due.MessageId,
                    $"archive {due.ArchiveId} to {due.Recipient} through Microsoft Graph as {mailbox}").ConfigureAwait(false);
            }).ConfigureAwait(false);
            logger.LogInformation("{QueueId} password mail for archive {Archive} to {Recipient} sent through Graph", due.MessageId, due.ArchiveId, due.Recipient);
            return 1;
        }

        var next = now + RetrySchedule.Delay(delivery.Value, due.Attempts + 1);
        if (result.Outcome == GraphSendOutcome.Permanent || next > due.CreatedAt + delivery.Value.MaxLifetime)
        {
            await FailAsync(due, "Microsoft Graph: " + result.Detail).ConfigureAwait(false);
            return 0;
        }

        await writer.RunAsync((connection, transaction) =>
            PasswordMailTable.UpdateAsync(connection, transaction, due, PasswordMailTable.Pending, now, next, result.Detail, null)).ConfigureAwait(false);
        logger.LogWarning("{QueueId} password mail to {Recipient} through Graph failed ({Detail}); next attempt {Next:u}", due.MessageId, due.Recipient, result.Detail, next);
        return 0;
    }

    private async Task FailAsync(DuePasswordMail due, string reason)
    {
        var now = time.GetUtcNow();
        await writer.RunAsync(async (connection, transaction) =>
        {
            await PasswordMailTable.UpdateAsync(connection, transaction, due, PasswordMailTable.Failed, now, null, reason, null).ConfigureAwait(false);
            await AuditLog.AppendAsync(connection, transaction, now, AuditLog.System, AuditActions.PasswordMailFailed, due.MessageId,
                $"archive {due.ArchiveId} to {due.Recipient}: {reason}").ConfigureAwait(false);
        }).ConfigureAwait(false);
        logger.LogError("{QueueId} password mail for archive {Archive} to {Recipient} not sent: {Reason}", due.MessageId, due.ArchiveId, due.Recipient, reason);
    }

    private async Task EraseFinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var id in await PasswordMailTable.FinishedArchivesAsync(connection, now, options.CurrentValue.KeepFor, cancellationToken).ConfigureAwait(false))
        {
            if (await ArchivePasswords.MarkDeliveredAsync(connection, null, id, now, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("archive {Archive}: password erased (no message needs it any more)", id);
            }
        }
    }
}
