using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Links;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// What happens to download links after the gateway made them: the one-time code a recipient asks for, the check of it,
/// the downloads, the first-download notice, revoking and the purge of expired files. Every step is in the audit log
/// under the message's id; recipients appear there as <c>download:ADDRESS</c>. Works on any node: the state is the database's.
/// </summary>
public sealed class LinkService(
    SafeMailDatabase database,
    LinkFileStore files,
    OutboundMail outbound,
    LinkNotices notices,
    DownloadAddress address,
    IOptions<DownloadOptions> options,
    TimeProvider time,
    ILogger<LinkService> logger)
{
    /// <summary>A new link id: 128 random bits, base64url.</summary>
    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="id"/> could be a link id (checked before any database read).</summary>
    public static bool IsWellFormed(string id) => id.Length == 22 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The page of a link, as mail shows it.</summary>
    public string UrlOf(string id) => address.Of(id);

    /// <summary>The settings in force.</summary>
    public DownloadOptions Options => options.Value;

    /// <summary>The link, whatever its state; null for an unknown or malformed id.</summary>
    public async Task<LinkRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsWellFormed(id))
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await LinkTable.GetAsync(connection, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Someone opened a live link's page (audited with the client's address; nothing of the link was shown).</summary>
    public async Task ViewedAsync(LinkRecord link, string client, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), "download:?", AuditActions.LinkView, link.MessageId, $"link {link.Id} ({client})",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A recipient asks for a code. Sent only to an address among the link's recipients, within the hourly limit; the page
    /// answers the same whatever happened, so it never tells who the recipients are.
    /// </summary>
    public async Task<CodeRequest> RequestCodeAsync(LinkRecord link, string to, string client, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var who = to.Trim().ToLowerInvariant();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!link.Recipients.Contains(who, StringComparer.Ordinal))
        {
            await AuditAsync(connection, null, now, who, AuditActions.LinkRefused, link.MessageId, $"link {link.Id}: code asked for an address not among its recipients ({client})")
                .ConfigureAwait(false);
            return CodeRequest.NotRecipient;
        }

        if (await LinkTable.CodesSinceAsync(connection, link.Id, who, now.AddHours(-1), cancellationToken).ConfigureAwait(false) >= options.Value.MaxCodesPerHour)
        {
            await AuditAsync(connection, null, now, who, AuditActions.LinkRefused, link.MessageId, $"link {link.Id}: too many codes in an hour ({client})").ConfigureAwait(false);
            return CodeRequest.TooMany;
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var mail = notices.Code(who, code, options.Value.CodeLifetime)!;
        var record = await outbound.StoreAsync(mail, MessageOrigin.Notice, who, "link-code", QuarantineNotice.EnvelopeSender, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LinkTable.AddCodeAsync(connection, transaction, link.Id, who, code, now, now + options.Value.CodeLifetime, cancellationToken).ConfigureAwait(false);
        await MessageTable.InsertAsync(connection, transaction, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditAsync(connection, transaction, now, who, AuditActions.LinkCode, link.MessageId, $"link {link.Id}: code sent as {record.Id} ({client})").ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return CodeRequest.Sent;
    }

    /// <summary>A recipient gives a code: accepted once, audited either way.</summary>
    public async Task<CodeCheck> CheckCodeAsync(LinkRecord link, string to, string code, string client, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var who = to.Trim().ToLowerInvariant();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var check = code.Trim().Length == 6 && code.Trim().All(char.IsAsciiDigit)
            ? await LinkTable.CheckCodeAsync(connection, link.Id, who, code, now, options.Value.MaxCodeAttempts, cancellationToken).ConfigureAwait(false)
            : CodeCheck.Wrong;
        await AuditAsync(connection, null, now, who, check == CodeCheck.Accepted ? AuditActions.LinkOpen : AuditActions.LinkRefused, link.MessageId,
            check switch
            {
                CodeCheck.Accepted => $"link {link.Id}: address proven ({client})",
                CodeCheck.Wrong => $"link {link.Id}: wrong code ({client})",
                _ => $"link {link.Id}: no code to try — none sent, expired, used or out of tries ({client})",
            }).ConfigureAwait(false);
        return check;
    }

    /// <summary>
    /// Writes one file (or, with <paramref name="ordinal"/> null, all of them as a plain ZIP) to <paramref name="destination"/>
    /// for a proven recipient; audited before the first byte, and the first download told to the sender once.
    /// </summary>
    public async Task DownloadAsync(LinkRecord link, int? ordinal, string who, string client, Stream destination, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var chosen = ordinal is { } n ? link.Files.Where(f => f.Ordinal == n).ToList() : link.Files.ToList();
        bool first;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await AuditAsync(connection, null, now, who, AuditActions.LinkDownload, link.MessageId,
                $"link {link.Id}: {(ordinal is null ? "all as ZIP: " : "")}{string.Join(", ", chosen.Select(f => f.Name))} ({client})").ConfigureAwait(false);
            first = await LinkTable.MarkFirstDownloadAsync(connection, null, link.Id, now, cancellationToken).ConfigureAwait(false);
        }

        if (first)
        {
            await TellFirstDownloadAsync(link, who, ordinal is null ? "ZIP" : chosen[0].Name).ConfigureAwait(false);
        }

        if (ordinal is not null)
        {
            await files.CopyToAsync(link.Id, chosen[0], destination, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A plain ZIP, made in a private temporary file (ZipArchive writes parts of it synchronously, which the response
        // refuses, and a file keeps memory flat whatever the size), then streamed out and deleted.
        var temporary = Path.Combine(Path.GetTempPath(), "safemail-link-" + Guid.NewGuid().ToString("N") + ".zip");
        var spillOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            spillOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var spill = new FileStream(temporary, spillOptions);
        using (var zip = new System.IO.Compression.ZipArchive(spill, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true, System.Text.Encoding.UTF8))
        {
            foreach (var (file, name) in chosen.Zip(UniqueNames(chosen)))
            {
                var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.Fastest);
                await using var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await files.CopyToAsync(link.Id, file, stream, cancellationToken).ConfigureAwait(false);
            }
        }

        spill.Position = 0;
        await spill.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a live link, once: its sender (<paramref name="sender"/> given: only their own) or an operator. False: unknown, not theirs, or not live.</summary>
    public async Task<bool> RevokeAsync(string id, string actor, string? sender = null, CancellationToken cancellationToken = default)
    {
        var link = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (link is null || (sender is not null && !string.Equals(link.Sender, sender.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await LinkTable.RevokeAsync(connection, transaction, id, actor, now, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await AuditLog.AppendAsync(connection, transaction, now, actor, AuditActions.LinkRevoke, link.MessageId, $"link {id}", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Links newest first: one sender's or everyone's.</summary>
    public async Task<IReadOnlyList<LinkRecord>> ListAsync(string? sender, int limit = 200, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await LinkTable.ListAsync(connection, sender, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the files of expired and revoked links; the number of links purged.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var due = await LinkTable.PurgeDueAsync(connection, now, 100, cancellationToken).ConfigureAwait(false);
        foreach (var link in due)
        {
            files.Delete(link);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LinkTable.MarkPurgedAsync(connection, transaction, link.Id, now, cancellationToken).ConfigureAwait(false);
            await AuditLog.AppendAsync(connection, transaction, now, AuditLog.System, AuditActions.Purge, link.MessageId,
                $"link {link.Id}: {link.Files.Count} files, {link.TotalBytes} bytes ({(link.RevokedAt is null ? "expired" : "revoked")})", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return due.Count;
    }

    /// <summary>Tells the sender the link was made (a courtesy after the commit: a failure is logged, never changes the message's fate).</summary>
    public Task NotifyCreatedAsync(LinkRecord link, string? subject) => QueueNoticeAsync(link, notices.Created(link, subject, UrlOf(link.Id)), "created");

    private async Task TellFirstDownloadAsync(LinkRecord link, string who, string file)
    {
        string? subject;
        await using (var connection = await database.OpenAsync().ConfigureAwait(false))
        {
            subject = (await MessageTable.GetAsync(connection, link.MessageId).ConfigureAwait(false))?.Subject;
        }

        await QueueNoticeAsync(link, notices.FirstDownload(link, subject, who, file), "first download").ConfigureAwait(false);
    }

    private async Task QueueNoticeAsync(LinkRecord link, MimeMessage? notice, string what)
    {
        if (notice is null)
        {
            return;
        }

        try
        {
            var record = await outbound.StoreAsync(notice, MessageOrigin.Notice, link.Sender, "notice", QuarantineNotice.EnvelopeSender, CancellationToken.None).ConfigureAwait(false);
            await using var connection = await database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await MessageTable.InsertAsync(connection, transaction, record).ConfigureAwait(false);
            await AuditLog.AppendAsync(connection, transaction, record.ReceivedAt, AuditLog.System, AuditActions.Notify, link.MessageId,
                $"notice {record.Id} to {link.Sender} (link {what})").ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "{QueueId} the link {What} notice could not be queued", link.MessageId, what);
        }
    }

    private static Task AuditAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset now, string who, string action, string messageId, string detail) =>
        AuditLog.AppendAsync(connection, transaction, now, "download:" + who, action, messageId, detail);

    private static IEnumerable<string> UniqueNames(IReadOnlyList<LinkFile> chosen)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in chosen)
        {
            var name = file.Name;
            for (var i = 2; !used.Add(name); i++)
            {
                name = $"{Path.GetFileNameWithoutExtension(file.Name)} ({i}){Path.GetExtension(file.Name)}";
            }

            yield return name;
        }
    }
}
