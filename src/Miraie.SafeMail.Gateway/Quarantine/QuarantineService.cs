using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Audit;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Spool;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// What operators do with quarantined mail — list, show, release, delete — and the retention purge. Works on the
/// database directly, so the CLI and the console act on the same store as a running gateway. Release is a single
/// conditional update (quarantined → queued): of two simultaneous releases exactly one wins, and the message goes out
/// through the normal delivery path once. Every action is written to the audit log in the same transaction.
/// </summary>
public sealed class QuarantineService(GatewayDatabase database, SpoolStore spool, IOptions<DeliveryOptions> delivery, IOptions<QuarantineOptions> options,
    QuarantineNotice notices, OutboundMail outbound, TimeProvider time)
{
    /// <summary>Quarantined messages, newest first.</summary>
    public async Task<IReadOnlyList<MessageRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MessageTable.ListAsync(connection, "state = 'quarantined'", new Dictionary<string, object?>(), limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One message with its recipients and history, or null.</summary>
    public async Task<(MessageRecord Message, IReadOnlyList<AuditEntry> History)?> ShowAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
        return message is null ? null : (message, await AuditLog.ForMessageAsync(connection, id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Opens the original bytes of a stored message.</summary>
    public Stream OpenOriginal(MessageRecord message) => spool.OpenMessage(message);

    /// <summary>Releases a quarantined message for delivery. True when this call released it; false when it was not (or no longer) quarantined.</summary>
    public async Task<bool> ReleaseAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var released = await MessageTable.ReleaseAsync(connection, transaction, id, actor, now, now + delivery.Value.MaxLifetime, cancellationToken).ConfigureAwait(false);
        if (released)
        {
            await AuditLog.AppendAsync(connection, transaction, now, actor, AuditActions.Release, id, null, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return released;
    }

    /// <summary>
    /// Queues the quarantine notice (隔離のお知らせ) to the message's sender: which attachment, why, and what to do. The
    /// gateway delivers it like any mail. False when no notice is possible (unknown message, null sender).
    /// </summary>
    public async Task<bool> NotifySenderAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
        if (message is null || message.EnvelopeFrom.Length == 0 || message.Origin != MessageOrigin.Smtp)
        {
            return false;
        }

        var findings = System.Text.Json.JsonSerializer.Deserialize<List<Finding>>(message.FindingsJson, ReportJson.Options) ?? [];
        var notice = notices.Create(new QuarantinedMessage
        {
            QuarantineId = message.Id,
            Envelope = new Envelope(message.EnvelopeFrom, message.Recipients.Select(r => r.Address).ToList()),
            Verdict = new Verdict
            {
                Action = PolicyAction.Quarantine,
                Rule = message.Rule,
                Findings = findings,
                ExternalRecipients = message.Recipients.Where(r => r.External).Select(r => r.Address).ToList(),
                Confirmation = ConfirmationStatus.Absent,
            },
            Subject = message.Subject,
            SentAt = message.ReceivedAt,
        });
        if (notice is null)
        {
            return false;
        }

        var record = await outbound.StoreAsync(notice, MessageOrigin.Notice, message.EnvelopeFrom, "notice", QuarantineNotice.EnvelopeSender, cancellationToken).ConfigureAwait(false);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await MessageTable.InsertAsync(connection, transaction, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditLog.AppendAsync(connection, transaction, record.ReceivedAt, actor, AuditActions.Notify, message.Id, $"notice {record.Id} to {message.EnvelopeFrom}",
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Deletes a quarantined message (its bytes go; its record and history stay). True when this call deleted it.</summary>
    public Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken = default) =>
        RemoveAsync(id, actor, MessageState.Deleted, AuditActions.Delete, null, cancellationToken);

    /// <summary>Purges quarantined messages older than the retention period; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var expired = await MessageTable.ListAsync(connection, "state = 'quarantined' AND received_at < @cutoff",
            new Dictionary<string, object?> { ["@cutoff"] = cutoff.ToUnixTimeMilliseconds() }, 10_000, cancellationToken).ConfigureAwait(false);
        var purged = 0;
        foreach (var message in expired)
        {
            var detail = $"retention {options.Value.Retention.TotalDays:0.#} days";
            if (await RemoveAsync(message.Id, AuditLog.System, MessageState.Purged, AuditActions.Purge, detail, cancellationToken).ConfigureAwait(false))
            {
                purged++;
            }
        }

        return purged;
    }

    private async Task<bool> RemoveAsync(string id, string actor, string state, string action, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        MessageRecord? message;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            message = await MessageTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
            if (message is null || message.State != MessageState.Quarantined)
            {
                return false;
            }

            await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (!await MessageTable.UpdateStateAsync(connection, transaction, id, MessageState.Quarantined, state, message.Attempts, null, null, now, cancellationToken)
                .ConfigureAwait(false))
            {
                return false;
            }

            await AuditLog.AppendAsync(connection, transaction, now, actor, action, id, detail, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The bytes go after the commit: a crash in between leaves a file to sweep, never a record pointing at nothing.
        if (message.FilePath is { } path)
        {
            spool.DeleteFile(path);
        }

        return true;
    }
}
