using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Incidents;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// 誤送信の報告 (ADR-020): a sender — or an operator for anyone — reports a message as misdirected. The report is recorded
/// first (so it is never lost), then contained at once by the <see cref="IContainmentStep"/>s in their order (held mail
/// cancelled, approval declined, what already left said truthfully), each outcome audited and written into the incident's
/// work log, then the security office is mailed the facts. A sender may report only their own mail: someone else's id is
/// answered as no such message (and audited), so ids cannot be probed. Afterwards operators and admins keep the work log
/// (作業記録), the root cause (根本原因) and the corrective action (是正処置), and close it.
/// </summary>
public sealed class IncidentService(SafeMailDatabase database, WaitingStore store, IEnumerable<IContainmentStep> steps, OutboundMail outbound,
    IncidentNotices notices, IOptions<IncidentOptions> options, TimeProvider time, ILogger<IncidentService> logger)
{
    /// <summary>The most recipients one report names.</summary>
    public const int MaxRecipients = 100;

    /// <summary>Records, contains and reports a misdelivery.</summary>
    public async Task<IncidentReportResult> ReportAsync(WaitingActor reporter, IncidentReport report, CancellationToken cancellationToken = default)
    {
        var statement = Clean(report.Statement);
        var subject = Clean(report.Subject);
        var internetId = Clean(report.InternetMessageId);
        var wrong = (report.WrongRecipients ?? []).SelectMany(r => r.Split([',', ';', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (statement is { Length: > IncidentTable.MaxText } || subject is { Length: > 998 } || internetId is { Length: > 998 }
            || wrong.Count > MaxRecipients || wrong.Any(w => w.Length > 254) || report.MessageId is { Length: > 64 })
        {
            return new(IncidentOutcome.TooLong);
        }

        MessageRecord? message = null;
        if (!string.IsNullOrWhiteSpace(report.MessageId))
        {
            message = await store.GetAsync(report.MessageId.Trim(), cancellationToken).ConfigureAwait(false);
            if (message is null || !(reporter.IsOperator || reporter.Sent(message.EnvelopeFrom)))
            {
                await RefuseAsync(reporter, message is null ? null : message.Id, $"report: not found ({Short(report.MessageId)})", cancellationToken).ConfigureAwait(false);
                return new(IncidentOutcome.NotFound);
            }
        }
        else if (internetId is not null && (reporter.IsOperator || reporter.Address is { Length: > 0 }))
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var id = await IncidentTable.FindByMessageIdHeaderAsync(connection, internetId, reporter.IsOperator ? null : reporter.Address, cancellationToken)
                .ConfigureAwait(false);
            message = id is null ? null : await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        }

        if (message is null && internetId is null && subject is null)
        {
            return new(IncidentOutcome.NothingNamed);
        }

        var incident = new IncidentRecord
        {
            MessageId = message?.Id,
            MessageHint = message is null ? string.Join(" / ", new[] { internetId, subject }.OfType<string>()) : internetId ?? subject,
            Reporter = reporter.Name,
            ReporterAddress = reporter.Address,
            ReportedAt = time.GetUtcNow(),
            Statement = statement,
            WrongRecipients = wrong,
        };
        incident = incident with { Id = await RecordAsync(incident, cancellationToken).ConfigureAwait(false) };

        var results = new List<ContainmentResult>();
        if (message is not null)
        {
            var context = new ContainmentContext(incident.Id, message, reporter);
            foreach (var step in steps)
            {
                ContainmentResult? result;
                try
                {
                    result = await step.ContainAsync(context, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is DbException or IOException or TimeoutException)
                {
                    logger.LogError(e, "incident #{Incident}: containment step {Step} failed for {QueueId}", incident.Id, step.Name, message.Id);
                    result = new(step.Name, ContainmentOutcome.Failed, new("この処理を実行できませんでした。運用担当者が確認してください。",
                        "This step could not run: an operator should check by hand."));
                }

                if (result is not null)
                {
                    results.Add(result);
                    await WriteAsync(incident.Id, message.Id, AuditLog.System, AuditActions.IncidentContain, $"#{incident.Id} {result.Step}: {result.Outcome}",
                        IncidentTexts.Both(result.Text), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var notified = await NotifyAsync(incident, message is null ? null : await store.GetAsync(message.Id, cancellationToken).ConfigureAwait(false) ?? message,
            results, cancellationToken).ConfigureAwait(false);
        return new(IncidentOutcome.Done, incident.Id, message?.Id, results, notified);
    }

    /// <summary>Incidents newest first (console staff read them; the pages decide who is staff).</summary>
    public async Task<IReadOnlyList<IncidentRecord>> ListAsync(string? state = null, int limit = 500, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await IncidentTable.ListAsync(connection, state, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One incident with its work log, or null.</summary>
    public async Task<(IncidentRecord Incident, IReadOnlyList<IncidentLogEntry> Log)?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await IncidentTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false) is { } incident
            ? (incident, await IncidentTable.LogAsync(connection, id, cancellationToken).ConfigureAwait(false))
            : null;
    }

    /// <summary>Adds a work log entry (作業記録) to an open incident.</summary>
    public Task<IncidentOutcome> AddLogAsync(WaitingActor actor, long id, string? text, CancellationToken cancellationToken = default)
    {
        var entry = Clean(text);
        return ChangeAsync(actor, id, "log", entry, requireText: true, tooLong: entry is { Length: > IncidentTable.MaxText },
            (connection, transaction, _) => Task.FromResult(true), cancellationToken);
    }

    /// <summary>Records the root cause and corrective action of an open incident (a blank one is left as it was).</summary>
    public Task<IncidentOutcome> SetFindingsAsync(WaitingActor actor, long id, string? rootCause, string? correctiveAction, CancellationToken cancellationToken = default)
    {
        var (cause, action) = (Clean(rootCause), Clean(correctiveAction));
        var text = string.Join("\n", new[] { cause is null ? null : "根本原因 / Root cause: " + cause, action is null ? null : "是正処置 / Corrective action: " + action }
            .OfType<string>());
        return ChangeAsync(actor, id, "findings", text.Length == 0 ? null : text, requireText: true,
            tooLong: cause is { Length: > IncidentTable.MaxText } || action is { Length: > IncidentTable.MaxText }, (connection, transaction, ct) => IncidentTable.SetFindingsAsync(connection, transaction, id, cause, action, ct), cancellationToken);
    }

    /// <summary>Closes an incident that has its root cause and corrective action.</summary>
    public Task<IncidentOutcome> CloseAsync(WaitingActor actor, long id, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, id, "close", "対応完了 / Closed", requireText: false, tooLong: false, (connection, transaction, ct) => IncidentTable.CloseAsync(connection, transaction, id, actor.Name, time.GetUtcNow(), ct), cancellationToken);

    // One change to an incident: refused unless an operator or admin acts on an open incident; otherwise the change, its work
    // log entry and its audit entry in one transaction. A change whose conditional update took no row says why.
    private async Task<IncidentOutcome> ChangeAsync(WaitingActor actor, long id, string what, string? text, bool requireText, bool tooLong,
        Func<DbConnection, DbTransaction, CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var incident = await IncidentTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
        var outcome = !actor.IsOperator ? IncidentOutcome.NotAllowed
            : incident is null ? IncidentOutcome.NotFound
            : incident.State != IncidentState.Open ? IncidentOutcome.Closed
            : requireText && text is null ? IncidentOutcome.TextRequired
            : tooLong ? IncidentOutcome.TooLong
            : IncidentOutcome.Done;
        if (outcome == IncidentOutcome.Done)
        {
            var now = time.GetUtcNow();
            await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (await change(connection, transaction, cancellationToken).ConfigureAwait(false))
            {
                await IncidentTable.AppendLogAsync(connection, transaction, new(id, now, actor.Name, text!), cancellationToken).ConfigureAwait(false);
                await AuditLog.AppendAsync(connection, transaction, now, actor.Name, what == "close" ? AuditActions.IncidentClose : AuditActions.IncidentUpdate,
                    incident!.MessageId, $"#{id} {what}", cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return IncidentOutcome.Done;
            }

            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            var current = await IncidentTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
            outcome = current?.State == IncidentState.Open ? IncidentOutcome.Incomplete : IncidentOutcome.Closed;
        }

        await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), actor.Name, AuditActions.IncidentRefused, incident?.MessageId, $"#{id} {what}: {outcome}",
            cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private async Task<long> RecordAsync(IncidentRecord incident, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var id = await IncidentTable.InsertAsync(connection, transaction, incident, cancellationToken).ConfigureAwait(false);
        await IncidentTable.AppendLogAsync(connection, transaction, new(id, incident.ReportedAt, incident.Reporter,
            "誤送信の報告 / Reported" + (incident.Statement is { } said ? ": " + said : "")), cancellationToken).ConfigureAwait(false);
        await AuditLog.AppendAsync(connection, transaction, incident.ReportedAt, incident.Reporter, AuditActions.IncidentReport, incident.MessageId,
            $"#{id}" + (incident.MessageId is null ? $" ({Short(incident.MessageHint ?? "")})" : ""), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    // One audited, logged fact about an incident (a containment step's outcome).
    private async Task WriteAsync(long id, string? messageId, string actor, string action, string detail, string log, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await IncidentTable.AppendLogAsync(connection, transaction, new(id, now, actor, log), cancellationToken).ConfigureAwait(false);
        await AuditLog.AppendAsync(connection, transaction, now, actor, action, messageId, detail, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // The notices to the security office, queued with their audit entries and a work log line in one transaction. A failure is
    // logged and answered false (the reporter is asked to call them): the report itself is already recorded and contained.
    private async Task<bool> NotifyAsync(IncidentRecord incident, MessageRecord? message, IReadOnlyList<ContainmentResult> results, CancellationToken cancellationToken)
    {
        var office = options.Value.SecurityOffice.Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
        if (office.Count == 0)
        {
            logger.LogWarning("incident #{Incident}: no security office is configured (SafeMail:Incidents:SecurityOffice): nobody was mailed", incident.Id);
            return false;
        }

        try
        {
            var records = new List<MessageRecord>();
            foreach (var to in office)
            {
                records.Add(await outbound.StoreAsync(notices.Create(incident, message, results, to), MessageOrigin.Notice, to, "incident",
                    QuarantineNotice.EnvelopeSender, cancellationToken).ConfigureAwait(false));
            }

            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            foreach (var record in records)
            {
                await MessageTable.InsertAsync(connection, transaction, record, cancellationToken: cancellationToken).ConfigureAwait(false);
                await AuditLog.AppendAsync(connection, transaction, now, AuditLog.System, AuditActions.IncidentNotify, incident.MessageId,
                    $"#{incident.Id} notice {record.Id} to {record.Recipients[0].Address}", cancellationToken).ConfigureAwait(false);
            }

            await IncidentTable.AppendLogAsync(connection, transaction, new(incident.Id, now, AuditLog.System,
                $"セキュリティ事務局に通知しました / Security office notified: {string.Join(", ", office)}"), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is DbException or IOException or ArgumentException)
        {
            logger.LogError(e, "incident #{Incident}: the security office could not be notified", incident.Id);
            return false;
        }
    }

    private async Task RefuseAsync(WaitingActor actor, string? messageId, string detail, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), actor.Name, AuditActions.IncidentRefused, messageId, detail, cancellationToken).ConfigureAwait(false);
    }

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";

    // Trimmed, without control characters but line breaks; null when blank.
    private static string? Clean(string? text)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : new string(trimmed.Where(c => !char.IsControl(c) || c is '\n').ToArray());
    }
}
