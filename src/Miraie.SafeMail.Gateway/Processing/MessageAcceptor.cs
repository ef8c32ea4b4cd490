using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>
/// What happens at the end of DATA: inspect, decide, store durably, answer. Inspection and the policy run first, on
/// the bytes in memory, so a reject can be the SMTP reply itself; any failure there is a quarantine (fail closed).
/// Then the message is stored — queued mail with the group commit (a spool segment, or PostgreSQL's message_bytes),
/// quarantined mail on its own (a file, or a row) — and the
/// 250 waits for the group commit. Nothing that fails to be stored is ever acknowledged: that is a 451.
/// </summary>
public sealed class MessageAcceptor(
    PolicyProvider policy,
    MessageInspector inspector,
    ConfirmationSigner confirmation,
    StoreWriter writer,
    MessageStore store,
    DeliveryHandoff queue,
    GatewayIdentity identity,
    IOptions<DeliveryOptions> delivery,
    IOptions<Quarantine.QuarantineOptions> quarantine,
    Quarantine.QuarantineService quarantineService,
    Storage.Passwords.ArchivePasswords archives,
    IOptionsMonitor<Passwords.PasswordDeliveryOptions> passwordDelivery,
    Waiting.ApproverDirectory approvers,
    Waiting.WaitingNotifier notifier,
    Links.LinkService links,
    Storage.Links.LinkFileStore linkFiles,
    TimeProvider time,
    ILogger<MessageAcceptor> logger,
    Metrics.GatewayMetrics metrics)
{
    /// <summary>Spilled messages inspected at once (two per core); smaller ones never wait for these.</summary>
    private static readonly SemaphoreSlim LargeInspections = new(2 * Environment.ProcessorCount);

    /// <summary>Receives one message. Never throws for a problem with the message; a storage failure is a <see cref="AcceptOutcome.TemporaryFailure"/>.</summary>
    public async Task<AcceptResult> AcceptAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = QueueId.New(now);
        using var scope = logger.BeginScope("{QueueId}", id);
        var evaluator = policy.Current;
        var envelope = new Envelope(message.EnvelopeFrom, message.Recipients);

        // Nothing below may end without an answer: a failure before the commit is a 451 (the client keeps the message and
        // retries), never a 250 and never an uninspected pass. The inspector itself reports problems instead of throwing;
        // this also covers a bug in judging or recording.
        var stage = "inspect";
        try
        {
            InspectionReport report;
            report = await InspectAsync(message.Bytes, cancellationToken).ConfigureAwait(false);
            metrics.Inspected(report.Elapsed);

            stage = "judge";
            var stamp = confirmation.Verify(report.ConfirmationStamp, envelope.Sender, envelope.Recipients, report.Attachments.Select(a => a.Sha256).OfType<string>());
            var verdict = Judge(evaluator, report, envelope, stamp);

            var record = BuildRecord(message, id, now, report, envelope, verdict, stamp, evaluator);
            logger.LogInformation("{QueueId} from=<{From}> to={Recipients} size={Size} verdict={Verdict} rule={Rule} confirmation={Confirmation} inspected={Elapsed}ms",
                id, message.EnvelopeFrom, string.Join(",", message.Recipients), message.Bytes.Length, record.Verdict, verdict.Rule, record.Confirmation,
                (int)report.Elapsed.TotalMilliseconds);

            stage = "archives";
            var claims = verdict.Action == PolicyAction.Reject ? new ArchiveClaims([], []) : await ClaimArchivesAsync(report, envelope, cancellationToken).ConfigureAwait(false);

            stage = "store";
            var result = verdict.Action switch
            {
                PolicyAction.Reject => await RejectAsync(record, verdict).ConfigureAwait(false),
                PolicyAction.Quarantine => await QuarantineAsync(message, record, claims).ConfigureAwait(false),
                PolicyAction.Hold => await HoldAsync(message, record, now, verdict, claims).ConfigureAwait(false),
                PolicyAction.Approve => await AwaitApprovalAsync(message, record, now, verdict, claims, cancellationToken).ConfigureAwait(false),
                PolicyAction.ConvertToBcc => await ConvertToBccAsync(message, record, now, verdict, claims).ConfigureAwait(false),
                PolicyAction.Encrypt => await EncryptAsync(message, record, now, report, verdict, evaluator, claims, cancellationToken).ConfigureAwait(false),
                PolicyAction.Link => await LinkAsync(message, record, now, report, verdict, claims, cancellationToken).ConfigureAwait(false),
                PolicyAction.ByDomain => await ByDomainAsync(message, record, now, report, verdict, evaluator, claims, cancellationToken).ConfigureAwait(false),
                _ => await QueueAsync(message, record, now, claims).ConfigureAwait(false),
            };
            metrics.Received(result.Outcome);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "{QueueId} failed at {Stage}; answering 451 so the client retries", id, stage);
            metrics.Received(AcceptOutcome.TemporaryFailure);
            return stage is "store" or "archives"
                ? new AcceptResult(AcceptOutcome.TemporaryFailure, id, "4.3.0 Requested action aborted: local storage problem, try again later")
                : new AcceptResult(AcceptOutcome.TemporaryFailure, id, "4.3.0 Requested action aborted: the message could not be checked, try again later");
        }
    }

    /// <summary>
    /// Inspects from memory or from the spill file. Large (spilled) messages take one of a few slots: inspection is CPU
    /// work, and two hundred 25 MB messages parsed at once would hold their decoding buffers all together for nothing.
    /// </summary>
    private async Task<InspectionReport> InspectAsync(MessageContent content, CancellationToken cancellationToken)
    {
        var large = content.SpillPath is not null;
        if (large)
        {
            await LargeInspections.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var stream = content.OpenRead();
            return await inspector.InspectAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (large)
            {
                LargeInspections.Release();
            }
        }
    }

    /// <summary>
    /// The add-in archives the message names that it may claim (its sender made them, it carries the very ZIP): after
    /// delivery their passwords go to its recipients. Nothing is claimed when the sender sends passwords themselves.
    /// </summary>
    private async Task<ArchiveClaims> ClaimArchivesAsync(InspectionReport report, Envelope envelope, CancellationToken cancellationToken)
    {
        if (report.ArchiveIds.Count == 0 || passwordDelivery.CurrentValue.Mode == Passwords.PasswordDeliveryOptions.PaneMode)
        {
            return new ArchiveClaims([], []);
        }

        var (accepted, refused) = await archives.CheckClaimsAsync(report.ArchiveIds, [envelope.Sender, .. report.HeaderFrom],
            report.Attachments.Select(a => a.Sha256).OfType<string>(), cancellationToken).ConfigureAwait(false);
        if (refused.Count > 0)
        {
            logger.LogWarning("archive ids refused, no password mail for them: {Refused}", string.Join("; ", refused));
        }

        return new ArchiveClaims(accepted, refused);
    }

    private static void RecordClaims(Storage.SqlBatch batch, MessageRecord record, ArchiveClaims claims)
    {
        Storage.Passwords.PasswordMailTable.Link(batch, record.Id, claims.Accepted);
        if (claims.Refused.Count > 0)
        {
            AuditLog.Append(batch, record.ReceivedAt, AuditLog.System, AuditActions.PasswordRefused, record.Id, string.Join("; ", claims.Refused));
        }
    }

    /// <summary>
    /// BCC変換: queued as any message, its To/Cc hidden when it is delivered (ADR-018). Audited once, in the commit that
    /// stores it; the sender is told once, right after that commit (a courtesy, like the held notice).
    /// </summary>
    private async Task<AcceptResult> ConvertToBccAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, Verdict verdict, ArchiveClaims claims)
    {
        var why = verdict.Findings.FirstOrDefault(f => f.Code == "visible-recipients")?.Line.En;
        var result = await QueueAsync(message, record, now, claims, (AuditActions.ConvertToBcc, why is null ? record.Rule : $"{record.Rule}: {why}")).ConfigureAwait(false);
        await notifier.ConvertedToBccAsync(record).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// ゲートウェイ暗号化 (ADR-019): the unprotected attachments go into a password-protected ZIP, the result is inspected
    /// again and queued in place of the original, with the archive's password stored (and linked to the message, so the
    /// password mail goes to each recipient after delivery) in the same commit; the sender is told, with the password.
    /// What cannot be encrypted safely, or is not protected after it, is quarantined as it came (fail closed).
    /// </summary>
    private async Task<AcceptResult> EncryptAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, InspectionReport report,
        Verdict verdict, PolicyEvaluator evaluator, ArchiveClaims claims, CancellationToken cancellationToken)
    {
        if (Encryption.AttachmentEncryptor.Refusal(report) is { } refusal)
        {
            return await QuarantineAsItCameAsync(message, record, verdict, claims, refusal).ConfigureAwait(false);
        }

        if (!Encryption.AttachmentEncryptor.HasUnprotected(report))
        {
            return await QueueAsync(message, record, now, claims).ConfigureAwait(false); // nothing to encrypt: it leaves as it is
        }

        var encryption = evaluator.WantsZipCrypto(message.Recipients) ? Core.Protection.ZipEncryption.ZipCrypto : Core.Protection.ZipEncryption.Aes256;
        var outcome = await Encryption.AttachmentEncryptor.EncryptAsync(message.Bytes, report, encryption, cancellationToken).ConfigureAwait(false);
        if (outcome.Message is not { } encrypted)
        {
            return await QuarantineAsItCameAsync(message, record, verdict, claims, outcome.Problem!).ConfigureAwait(false);
        }

        using var bytes = encrypted.Bytes;
        var again = await InspectAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (InspectionFailed(again) || again.AllNodes.Any(n => n.Protection != Core.Inspection.ProtectionStatus.Protected && (n.Children.Count == 0 || n.HoldsOwnContent)))
        {
            logger.LogError("{QueueId} the encrypted message is not protected when inspected again; quarantined as it came", record.Id);
            return await QuarantineAsItCameAsync(message, record, verdict, claims, new Core.Text.LocalizedText(
                "暗号化したメールを検査し直したところ、保護されていない部分が残っていたため、隔離しました",
                "the encrypted message, inspected again, still had unprotected content, so it was quarantined")).ConfigureAwait(false);
        }

        var archiveId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var mailed = passwordDelivery.CurrentValue.Mode != Passwords.PasswordDeliveryOptions.PaneMode;
        var archive = new Storage.Passwords.NewArchive(archiveId, message.EnvelopeFrom.Length > 0 ? message.EnvelopeFrom : record.HeaderFrom ?? "",
            message.Recipients, encrypted.ArchiveName, encryption.ToString(), encrypted.Password, encrypted.Sha256);
        var detail = $"archive {archiveId} {encryption} {encrypted.ArchiveName}: {string.Join(", ", encrypted.Files)}" + (mailed ? "" : "; password left to the sender");
        var result = await QueueAsync(message, record with { Size = bytes.Length }, now, new ArchiveClaims(mailed ? [.. claims.Accepted, archiveId] : claims.Accepted, claims.Refused),
            (AuditActions.Encrypt, detail), bytes,
            (connection, transaction) => archives.SaveAsync(connection, transaction, archive, now, CancellationToken.None)).ConfigureAwait(false);
        await notifier.EncryptedAsync(record, encrypted, mailed).ConfigureAwait(false);
        return result with { Reply = $"2.0.0 Ok: attachments encrypted, password sent separately, queued as {record.Id}" };
    }

    /// <summary>
    /// ダウンロードリンク (ADR-021): the attachments leave the message unaltered for the download page, the message gets a
    /// note with the link and is inspected again; the files are stored durably first, the link's record is committed with
    /// the message, and the sender is told after the commit. What cannot be done safely is quarantined as it came.
    /// </summary>
    private async Task<AcceptResult> LinkAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, InspectionReport report, Verdict verdict,
        ArchiveClaims claims, CancellationToken cancellationToken)
    {
        if (Encryption.AttachmentEncryptor.Refusal(report, asLink: true) is { } refusal)
        {
            return await QuarantineAsItCameAsync(message, record, verdict, claims, refusal).ConfigureAwait(false);
        }

        if (report.Attachments.Count == 0)
        {
            return await QueueAsync(message, record, now, claims).ConfigureAwait(false); // nothing to take out
        }

        var id = Links.LinkService.NewId();
        var expires = now + links.Options.ExpireAfter;
        var outcome = await Links.LinkMaker.MakeAsync(message.Bytes, report, links.UrlOf(id), Notices.NoticeFormat.Date(expires, Notices.NoticeFormat.DefaultZone),
            cancellationToken).ConfigureAwait(false);
        if (outcome.Message is not { } bytes)
        {
            return await QuarantineAsItCameAsync(message, record, verdict, claims, outcome.Problem!).ConfigureAwait(false);
        }

        using (bytes)
        {
            try
            {
                var again = await InspectAsync(bytes, cancellationToken).ConfigureAwait(false);
                if (InspectionFailed(again) || again.Attachments.Count > 0)
                {
                    logger.LogError("{QueueId} the message without its attachments still has attachments when inspected again; quarantined as it came", record.Id);
                    return await QuarantineAsItCameAsync(message, record, verdict, claims, new Core.Text.LocalizedText(
                        "添付ファイルを外したメールを検査し直したところ、添付ファイルが残っていたため、隔離しました",
                        "the message without its attachments, inspected again, still had attachments, so it was quarantined")).ConfigureAwait(false);
                }

                var saved = await linkFiles.SaveAsync(id, outcome.Files.Select(f => (f.Name, f.ContentType, (Stream)f.Content)).ToList(), cancellationToken).ConfigureAwait(false);
                var link = new Storage.Links.LinkRecord
                {
                    Id = id,
                    MessageId = record.Id,
                    Sender = message.EnvelopeFrom.Length > 0 ? message.EnvelopeFrom : record.HeaderFrom ?? "",
                    CreatedAt = now,
                    ExpiresAt = expires,
                    TotalBytes = saved.Sum(f => f.Size),
                    Files = saved,
                    Recipients = message.Recipients,
                };
                var result = await QueueAsync(message, record with { Size = bytes.Length }, now, claims,
                    (AuditActions.LinkCreate, $"link {id}: {string.Join(", ", saved.Select(f => f.Name))}; until {expires:O}"), bytes,
                    (connection, transaction) => Storage.Links.LinkTable.InsertAsync(connection, transaction, link)).ConfigureAwait(false);
                await links.NotifyCreatedAsync(link, record.Subject).ConfigureAwait(false);
                return result with { Reply = $"2.0.0 Ok: attachments replaced by a download link, queued as {record.Id}" };
            }
            finally
            {
                foreach (var file in outcome.Files)
                {
                    await file.Content.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// 宛先ドメイン別の送り方: the recipients' domains decide (<see cref="PolicyEvaluator.FileDeliveryFor(IEnumerable{string})"/>) —
    /// as they are, a password ZIP, a download link, or quarantined when a domain takes no files. The record says what was done.
    /// </summary>
    private Task<AcceptResult> ByDomainAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, InspectionReport report, Verdict verdict,
        PolicyEvaluator evaluator, ArchiveClaims claims, CancellationToken cancellationToken)
    {
        if (report.Attachments.Count == 0)
        {
            return QueueAsync(message, record with { Verdict = "pass" }, now, claims); // no files: nothing for the domains to decide
        }

        var mode = evaluator.FileDeliveryFor(message.Recipients);
        var done = mode switch
        {
            FileDeliveryMode.Zip => PolicyAction.Encrypt,
            FileDeliveryMode.Link => PolicyAction.Link,
            FileDeliveryMode.Plain => PolicyAction.Pass,
            _ => PolicyAction.Quarantine,
        };
        logger.LogInformation("{QueueId} files by recipient domain: {Mode}", record.Id, mode);
        record = record with { Verdict = JsonNamingPolicy.KebabCaseLower.ConvertName(done.ToString()) };
        if (mode == FileDeliveryMode.Plain && Encryption.AttachmentEncryptor.Refusal(report) is not null)
        {
            // "Plain" lets unprotected files through, not files the inspector could not identify or that hide what they are.
            return QuarantineAsItCameAsync(message, record with { Verdict = "quarantine" }, verdict, claims, new Core.Text.LocalizedText(
                "判別できない、偽装された、または実行可能な添付ファイルがあるため、そのまま送らずに隔離しました",
                "an attachment could not be identified or holds disguised or executable content, so it was quarantined instead of sent as it is"));
        }

        if (mode != FileDeliveryMode.Block)
        {
            return done switch
            {
                PolicyAction.Encrypt => EncryptAsync(message, record, now, report, verdict, evaluator, claims, cancellationToken),
                PolicyAction.Link => LinkAsync(message, record, now, report, verdict, claims, cancellationToken),
                _ => QueueAsync(message, record, now, claims),
            };
        }

        var blocked = string.Join(", ", message.Recipients.Where(r => !evaluator.IsInternal(r) && evaluator.FileDeliveryFor(r) == FileDeliveryMode.Block)
            .Select(r => r[(r.LastIndexOf('@') + 1)..].ToLowerInvariant()).Distinct(StringComparer.Ordinal));
        return QuarantineAsItCameAsync(message, record, verdict, claims, new Core.Text.LocalizedText(
            $"宛先のドメイン（{blocked}）にはファイルを送らない設定のため、隔離しました", $"the recipient domain ({blocked}) is set to receive no files, so it was quarantined"));
    }

    /// <summary>Encrypt, Link or a domain's file delivery could not be done safely: the message is quarantined as it came, with the reason as its deciding finding.</summary>
    private Task<AcceptResult> QuarantineAsItCameAsync(ReceivedMessage message, MessageRecord record, Verdict verdict, ArchiveClaims claims,
        Core.Text.LocalizedText problem)
    {
        logger.LogWarning("{QueueId} quarantined as it came: {Problem}", record.Id, problem.En);
        var findings = verdict.Findings.Append(new Finding("encryption-refused", null, problem, Decisive: true)).ToList();
        return QuarantineAsync(message, record with
        {
            Verdict = JsonNamingPolicy.KebabCaseLower.ConvertName(nameof(PolicyAction.Quarantine)),
            FindingsJson = JsonSerializer.Serialize(findings, ReportJson.CompactOptions),
        }, claims);
    }

    private async Task<AcceptResult> QueueAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, ArchiveClaims claims,
        (string Action, string? Detail)? audit = null, Storage.Spool.MessageContent? bytes = null,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task>? alsoInCommit = null)
    {
        record = record with
        {
            State = MessageState.Queued,
            NextAttemptAt = now,
            ExpiresAt = now + delivery.Value.MaxLifetime,
        };
        var spooled = new SpooledBytes(record.Id, bytes ?? message.Bytes);
        var stored = alsoInCommit is null
            ? await writer.RunStatementsAsync((batch, location) => Store(batch, location), spooled).ConfigureAwait(false)
            : await writer.RunAsync(async (connection, transaction, location) =>
            {
                var batch = new Storage.SqlBatch(connection, transaction);
                var located = Store(batch, location);
                await batch.ExecuteAsync().ConfigureAwait(false);
                await alsoInCommit(connection, transaction).ConfigureAwait(false);
                return located;
            }, spooled).ConfigureAwait(false);
        queue.Enqueue(record.Id, stored);
        return new AcceptResult(AcceptOutcome.Queued, record.Id, $"2.0.0 Ok: queued as {record.Id}");

        MessageRecord Store(Storage.SqlBatch batch, Storage.Messages.SegmentLocation? location)
        {
            var located = record with { Segment = location?.Segment, SegmentOffset = location?.Offset };
            MessageTable.Insert(batch, located, identity.NodeId, now + delivery.Value.LeaseTime);
            if (audit is { } entry)
            {
                AuditLog.Append(batch, record.ReceivedAt, AuditLog.System, entry.Action, record.Id, entry.Detail);
            }

            RecordClaims(batch, located, claims);
            return located;
        }
    }

    /// <summary>
    /// 送信保留: stored like queued mail (the spool segment or message_bytes, in the group commit) but in state held,
    /// leaving at its time; no node delivers it before <see cref="Waiting.HeldMailService.ReleaseDueAsync"/> moves it to the queue.
    /// </summary>
    private async Task<AcceptResult> HoldAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, Verdict verdict, ArchiveClaims claims)
    {
        var until = now + (verdict.DecidingRule?.HoldFor ?? TimeSpan.Zero);
        record = record with { State = MessageState.Held, NextAttemptAt = until, ExpiresAt = until + delivery.Value.MaxLifetime };
        await StoreWaitingAsync(message, record, claims, AuditActions.Hold, "until " + until.ToString("O", System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await notifier.HeldAsync(record).ConfigureAwait(false);
        return new AcceptResult(AcceptOutcome.Held, record.Id, $"2.0.0 Ok: held for the sender to cancel, queued as {record.Id}");
    }

    /// <summary>
    /// 上長承認: stored like queued mail, in state awaiting-approval until its deadline, with the approvers found for it
    /// (none: an admin decides). The approvers are asked by mail after the commit.
    /// </summary>
    private async Task<AcceptResult> AwaitApprovalAsync(ReceivedMessage message, MessageRecord record, DateTimeOffset now, Verdict verdict, ArchiveClaims claims,
        CancellationToken cancellationToken)
    {
        var rule = verdict.DecidingRule;
        var who = await approvers.FindAsync(rule?.Approvers ?? [], record.EnvelopeFrom, cancellationToken).ConfigureAwait(false);
        record = record with
        {
            State = MessageState.AwaitingApproval,
            NextAttemptAt = null,
            ExpiresAt = now + (rule?.DecideWithin ?? PolicyRule.DefaultDecideWithin),
            Approvers = who,
        };
        await StoreWaitingAsync(message, record, claims, AuditActions.ApprovalRequest,
            who.Count == 0 ? "approvers: none found, an admin decides" : "approvers: " + string.Join(", ", who)).ConfigureAwait(false);
        await notifier.ApprovalRequestedAsync(record).ConfigureAwait(false);
        return new AcceptResult(AcceptOutcome.AwaitingApproval, record.Id, $"2.0.0 Ok: awaiting approval, queued as {record.Id}");
    }

    /// <summary>Held and approval mail is stored as queued mail is (group commit), with an audit entry, and not handed to delivery.</summary>
    private async Task StoreWaitingAsync(ReceivedMessage message, MessageRecord record, ArchiveClaims claims, string action, string detail) =>
        await writer.RunStatementsAsync((batch, location) =>
        {
            var located = record with { Segment = location?.Segment, SegmentOffset = location?.Offset };
            MessageTable.Insert(batch, located);
            AuditLog.Append(batch, record.ReceivedAt, AuditLog.System, action, record.Id, detail);
            RecordClaims(batch, located, claims);
            return located;
        }, new SpooledBytes(record.Id, message.Bytes, KeepCopy: false)).ConfigureAwait(false); // not delivered now: no copy kept for delivery

    private async Task<AcceptResult> QuarantineAsync(ReceivedMessage message, MessageRecord record, ArchiveClaims claims)
    {
        var path = await store.KeepAsync("quarantine", record.Id, message.Bytes).ConfigureAwait(false);
        record = record with { State = MessageState.Quarantined, FilePath = path };
        await writer.RunStatementsAsync((batch, _) =>
        {
            MessageTable.Insert(batch, record);
            AuditLog.Append(batch, record.ReceivedAt, AuditLog.System, AuditActions.Quarantine, record.Id, record.Rule);
            RecordClaims(batch, record, claims);
            return true;
        }).ConfigureAwait(false);
        if (quarantine.Value.NotifySender)
        {
            await NotifyAsync(record.Id).ConfigureAwait(false);
        }

        return new AcceptResult(AcceptOutcome.Quarantined, record.Id, $"2.0.0 Ok: queued as {record.Id}");
    }

    /// <summary>The sender notice is a courtesy: failing to queue it never changes what the client is told.</summary>
    private async Task NotifyAsync(string id)
    {
        try
        {
            await quarantineService.NotifySenderAsync(id, AuditLog.System).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "{QueueId} quarantined, but the sender notice could not be queued", id);
        }
    }

    private async Task<AcceptResult> RejectAsync(MessageRecord record, Verdict verdict)
    {
        // Recorded without its bytes, for the dashboard and the audit trail; a failure to record does not change the reply.
        try
        {
            await writer.RunAsync(async (connection, transaction) =>
            {
                await MessageTable.InsertAsync(connection, transaction, record with { State = MessageState.Rejected, FinishedAt = record.ReceivedAt }).ConfigureAwait(false);
                await AuditLog.AppendAsync(connection, transaction, record.ReceivedAt, AuditLog.System, AuditActions.Reject, record.Id, record.Rule).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "{QueueId} rejected, but the rejection could not be recorded", record.Id);
        }

        var reason = verdict.Findings.FirstOrDefault(f => f.Decisive)?.Line.En ?? "message refused by policy";
        return new AcceptResult(AcceptOutcome.Rejected, record.Id, $"5.7.1 Rejected by policy ({verdict.Rule}): {Ascii(reason)} [{record.Id}]");
    }

    private MessageRecord BuildRecord(ReceivedMessage message, string id, DateTimeOffset now, InspectionReport report, Envelope envelope, Verdict verdict,
        ConfirmationStatus stamp, PolicyEvaluator evaluator) => new()
    {
        Id = id,
        ReceivedAt = now,
        NodeId = identity.NodeId,
        ClientAddress = message.ClientAddress,
        ClientHelo = message.ClientHelo,
        ReceivedHeader = ReceivedHeader.Build(message, identity.ServerName, id, now),
        AuthUser = message.AuthUser,
        EnvelopeFrom = message.EnvelopeFrom,
        Subject = report.Subject,
        HeaderFrom = report.HeaderFrom.Count > 0 ? report.HeaderFrom[0] : null,
        HeaderFromName = report.HeaderFromName ?? "",
        MessageIdHeader = report.MessageId,
        Size = message.Bytes.Length,
        State = MessageState.Queued,
        Verdict = JsonNamingPolicy.KebabCaseLower.ConvertName(verdict.Action.ToString()),
        Rule = verdict.Rule,
        Confirmation = JsonNamingPolicy.KebabCaseLower.ConvertName(stamp.ToString()),
        External = verdict.IsExternal,
        FindingsJson = JsonSerializer.Serialize(verdict.Findings, ReportJson.CompactOptions),
        InspectionJson = ReportJson.Serialize(report, envelope, verdict, indented: false),
        Origin = MessageOrigin.Smtp,
        AttachmentKinds = KindsOf(report),
        Recipients = message.Recipients.Select(r => new RecipientRecord(r, !evaluator.IsInternal(r), RecipientState.Pending, null)).ToList(),
    };

    /// <summary>
    /// The verdict the gateway acts on: the policy's, except that inspection that failed, timed out or hit a limit
    /// quarantines whatever the rules say (fail closed, PRODUCT.md). The console's dry run uses the same.
    /// </summary>
    public static Verdict Judge(PolicyEvaluator evaluator, InspectionReport report, Envelope envelope, ConfirmationStatus stamp)
    {
        var verdict = evaluator.Evaluate(report, envelope, stamp);
        // Anything that would let the message out — pass, and also hold, approval and Bcc conversion, which end in delivery —
        // is a quarantine when the message could not be fully read.
        return verdict.Action is not (PolicyAction.Quarantine or PolicyAction.Reject) && InspectionFailed(report) ? ForceQuarantine(verdict) : verdict;
    }

    private static string? KindsOf(InspectionReport report)
    {
        var kinds = report.AllNodes.Select(n => FileKindNames.Name(n.Kind)).Distinct().Order(StringComparer.Ordinal).ToList();
        return kinds.Count == 0 ? null : "," + string.Join(',', kinds) + ",";
    }

    private static readonly HashSet<UnknownReason> LimitReasons =
        [UnknownReason.LimitDepth, UnknownReason.LimitEntries, UnknownReason.LimitSize, UnknownReason.LimitRatio, UnknownReason.LimitTime];

    /// <summary>The message could not be fully read: a message-level problem, or an attachment that hit an inspection limit.</summary>
    private static bool InspectionFailed(InspectionReport report) =>
        report.Problems.Count > 0 || report.AllNodes.Any(n => n.UnknownReason is { } reason && LimitReasons.Contains(reason));

    private static Verdict ForceQuarantine(Verdict verdict) => new()
    {
        Action = PolicyAction.Quarantine,
        Rule = RuleTexts.InspectionFailed,
        Findings = verdict.Findings.Select(f => f.Code is "structure" or "unknown" ? f with { Decisive = true } : f).ToList(),
        ExternalRecipients = verdict.ExternalRecipients,
        Confirmation = verdict.Confirmation,
    };

    /// <summary>SMTP replies are ASCII: anything else (a Japanese file name) becomes '?'.</summary>
    private static string Ascii(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 300));
        foreach (var c in text.Take(300))
        {
            builder.Append(c is >= ' ' and < '\x7F' ? c : '?');
        }

        return builder.ToString();
    }
}

/// <summary>The archive ids a message may claim, and the refused ones with their reasons.</summary>
internal sealed record ArchiveClaims(IReadOnlyList<string> Accepted, IReadOnlyList<string> Refused);
