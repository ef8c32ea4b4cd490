using System.Diagnostics;
using System.Text;
using MimeKit;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Inspects a whole message: walks its MIME tree, inspects every attachment by content and returns the report.
/// Never throws for bad input — a message that cannot be read, or that takes too long, comes back with a problem
/// that the policy treats as unknown content (fail closed). Thread-safe; one instance serves a whole host.
/// </summary>
public sealed class MessageInspector
{
    /// <summary>The header the Outlook add-in sets to record the sender's confirmation.</summary>
    public const string ConfirmationHeader = "X-SafeMail-Confirmation";

    /// <summary>The header the Outlook add-in sets naming the archives it made for this message (comma-separated ids).</summary>
    public const string ArchiveIdHeader = "X-SafeMail-Archive-Id";

    // Extra time after the limit before the caller gets an answer even if a reader library ignores cancellation.
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(1);

    // A message has at least one of these; MimeKit parses any bytes as "a message", so this tells a .eml from a PDF.
    private static readonly HashSet<string> MessageHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Received", "Return-Path", "Content-Type",
    };

    private readonly Func<InspectionLimits> _limits;

    static MessageInspector() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Creates an inspector that reads its limits from <paramref name="limits"/> at each message (they can change while running).</summary>
    public MessageInspector(Func<InspectionLimits> limits) => _limits = limits;

    /// <summary>Creates an inspector with fixed limits.</summary>
    public MessageInspector(InspectionLimits limits) : this(() => limits) { }

    /// <summary>Inspects a message held in memory.</summary>
    public Task<InspectionReport> InspectAsync(byte[] message, CancellationToken cancellationToken = default) =>
        InspectAsync(new MemoryStream(message, writable: false), cancellationToken);

    /// <summary>
    /// Inspects the message in <paramref name="message"/>. A seekable stream (a spool file) is not copied: MimeKit reads
    /// part contents from it in place, so memory stays bounded by the limits rather than by the message size.
    /// </summary>
    public async Task<InspectionReport> InspectAsync(Stream message, CancellationToken cancellationToken = default)
    {
        var limits = _limits();
        var stopwatch = Stopwatch.StartNew();
        using var context = new InspectionContext(limits, cancellationToken);
        var work = Task.Run(() => InspectCoreAsync(message, context), CancellationToken.None);
        try
        {
            var report = await work.WaitAsync(limits.Timeout + Backstop, cancellationToken).ConfigureAwait(false);
            return report with { Elapsed = stopwatch.Elapsed };
        }
        catch (TimeoutException)
        {
            // A reader stuck inside a library call: answer now, fail closed, and let the work finish in the background.
            _ = work.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return Failed(message, "timeout", InspectionTexts.Unknown(UnknownReason.LimitTime, limits), stopwatch.Elapsed);
        }
        catch (OperationCanceledException) when (context.TimedOut)
        {
            return Failed(message, "timeout", InspectionTexts.Unknown(UnknownReason.LimitTime, limits), stopwatch.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect in the inspector must not let a message through: report it as a problem (unknown content).
            return Failed(message, "inspection-error", InspectionTexts.InspectionFailed(e.GetType().Name), stopwatch.Elapsed);
        }
    }

    /// <summary>
    /// Inspects one file as if it were a top-level attachment named <paramref name="name"/> (the console's dry run,
    /// the add-in backend checking what it was given). Same limits, same fail-closed answers as for a message.
    /// </summary>
    public async Task<AttachmentNode> InspectFileAsync(Stream content, string name, CancellationToken cancellationToken = default)
    {
        var limits = _limits();
        using var context = new InspectionContext(limits, cancellationToken);
        var work = Task.Run(async () =>
        {
            using var buffer = content.CanSeek ? ContentBuffer.Borrow(content) : await ContentBuffer.CopyFromAsync(content, onChunk: null, context.Token).ConfigureAwait(false);
            string sha;
            using (var stream = buffer.OpenRead())
            {
                sha = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, context.Token).ConfigureAwait(false));
            }

            return await new ContentInspector(context).InspectAsync(buffer, NodeSite.TopLevel(name, null), sha).ConfigureAwait(false);
        }, CancellationToken.None);
        try
        {
            return await work.WaitAsync(limits.Timeout + Backstop, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _ = work.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return ContentInspector.Unanswered(NodeSite.TopLevel(name, null), limits);
        }
        catch (OperationCanceledException) when (context.TimedOut)
        {
            return ContentInspector.Unanswered(NodeSite.TopLevel(name, null), limits);
        }
    }

    private static async Task<InspectionReport> InspectCoreAsync(Stream input, InspectionContext context)
    {
        var inspector = new ContentInspector(context);
        MimeMessage message;
        try
        {
            var parser = new MimeParser(input, MimeFormat.Entity, persistent: input.CanSeek);
            message = await parser.ParseMessageAsync(context.Token).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return Failed(input, "unreadable", InspectionTexts.NotAMessage, TimeSpan.Zero);
        }

        if (!message.Headers.Any(h => MessageHeaders.Contains(h.Field)))
        {
            return Failed(input, "unreadable", InspectionTexts.NotAMessage, TimeSpan.Zero);
        }

        MessageWalker.Result walked;
        try
        {
            walked = await MessageWalker.WalkAsync(message, input, parent: null, inspector).ConfigureAwait(false);
        }
        catch (InspectionLimitException limit)
        {
            return Failed(input, limit.Reason == UnknownReason.LimitTime ? "timeout" : "limit", InspectionTexts.Unknown(limit.Reason, context.Limits), TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (context.TimedOut)
        {
            return Failed(input, "timeout", InspectionTexts.Unknown(UnknownReason.LimitTime, context.Limits), TimeSpan.Zero);
        }

        return new InspectionReport
        {
            Attachments = walked.Attachments,
            Excluded = context.Excluded,
            Problems = walked.Problems.DistinctBy(p => p.Code).ToList(),
            MessageSize = input.CanSeek ? input.Length : 0,
            Subject = message.Subject,
            MessageId = message.MessageId,
            HeaderFrom = message.From.Mailboxes.Select(m => m.Address).ToList(),
            HeaderFromName = message.From.Mailboxes.FirstOrDefault()?.Name ?? "",
            HeaderRecipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
                .Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            VisibleRecipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes)
                .Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            ConfirmationStamp = message.Headers[ConfirmationHeader],
            ArchiveIds = ArchiveIds(message.Headers),
        };
    }

    /// <summary>Every well-formed archive id (24 hex digits, as the backend makes them) in the archive id headers; at most 20.</summary>
    private static List<string> ArchiveIds(MimeKit.HeaderList headers) => headers
        .Where(h => h.Field.Equals(ArchiveIdHeader, StringComparison.OrdinalIgnoreCase))
        .SelectMany(h => h.Value.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(id => id.Length == 24 && id.All(char.IsAsciiHexDigit))
        .Select(id => id.ToLowerInvariant())
        .Distinct(StringComparer.Ordinal)
        .Take(20)
        .ToList();

    private static InspectionReport Failed(Stream input, string code, Text.LocalizedText text, TimeSpan elapsed) => new()
    {
        Attachments = [],
        Excluded = [],
        Problems = [new InspectionProblem(code, text)],
        MessageSize = input.CanSeek ? input.Length : 0,
        Elapsed = elapsed,
    };
}
