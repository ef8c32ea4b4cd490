using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Tnef;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Walks a message's MIME tree as PRODUCT.md defines "attachment": every leaf that is not the text/plain or
/// text/html body, including inside attached messages and TNEF; inline images referenced from the HTML by
/// <c>cid:</c>, meeting-request calendar data, signatures, the PGP/MIME control part and the machine-readable parts of
/// reports count as body. Whatever is excluded must prove it (an image really is an image, a calendar really holds
/// VCALENDAR, a signature parses as one: <see cref="BodyItemProof"/>); otherwise it is inspected as an attachment.
/// Excluded parts are collected in <see cref="InspectionContext.Excluded"/>, wherever they sit. An S/MIME opaque-signed
/// part is unwrapped and its content walked in its place (<see cref="OpaqueSignature"/>).
/// </summary>
internal static partial class MessageWalker
{
    private const int CalendarProbeBytes = 4096;

    public sealed class Result
    {
        public List<AttachmentNode> Attachments { get; } = [];
        public List<InspectionProblem> Problems { get; } = [];
    }

    /// <summary>The state of one walk: where it is, what the HTML refers to, what it found.</summary>
    private sealed class Walk(NodeSite? parent, ContentInspector inspector, HashSet<string> cids, Result result)
    {
        public NodeSite? Parent => parent;
        public ContentInspector Inspector => inspector;
        public HashSet<string> Cids => cids;
        public Result Result => result;

        /// <summary>Leaves seen so far, for naming unnamed parts.</summary>
        public int Leaves { get; set; }

        /// <summary>Opaque signatures unwrapped on the way down to here, bounded by the nesting limit.</summary>
        public int Unwrapped { get; set; }

        /// <summary>Where body items of this walk sit: null for the message itself, else the attachment's path.</summary>
        public string? Within => parent is null ? null : string.Join(AttachmentNode.PathSeparator, parent.Path);

        public void Exclude(ExcludedPart part) => inspector.Context.Excluded.Add(part with { Within = Within });
    }

    /// <summary>Walks <paramref name="message"/>; attachments are placed under <paramref name="parent"/> (null: top level).</summary>
    /// <param name="message">The parsed message.</param>
    /// <param name="raw">The bytes it was parsed from, to check that every multipart is closed; null when the message was
    /// built rather than parsed (TNEF converted by MimeKit).</param>
    /// <param name="parent">Where an attached message sits; null for the message itself.</param>
    /// <param name="inspector">Inspects each attachment.</param>
    public static async Task<Result> WalkAsync(MimeMessage message, Stream? raw, NodeSite? parent, ContentInspector inspector)
    {
        var result = new Result();
        if (message.Body is null)
        {
            return result;
        }

        if (raw is not null && await BoundaryChecker.AnyUnclosedAsync(raw, message.Body, inspector.Context.Token).ConfigureAwait(false))
        {
            result.Problems.Add(new InspectionProblem("mime-incomplete", InspectionTexts.MimeIncomplete));
        }

        var walk = new Walk(parent, inspector, CollectCidReferences(message.Body), result);
        await VisitAsync(message.Body, container: null, walk).ConfigureAwait(false);
        return result;
    }

    /// <summary>An attached message (message/rfc822 or an .eml file): transparent over its own attachments.</summary>
    public static Task<Assessment> AssessAttachedMessageAsync(ContentBuffer content, NodeSite site, ContentInspector inspector) =>
        AssessEnclosedAsync(content, site, inspector, FileKind.Message);

    /// <summary>
    /// A message or MIME entity inside <paramref name="site"/> (an attached message, the content of a signed .p7m):
    /// transparent over its own attachments; with none, only a body, which is body.
    /// </summary>
    public static async Task<Assessment> AssessEnclosedAsync(ContentBuffer content, NodeSite site, ContentInspector inspector, FileKind kind)
    {
        if (site.Depth + 1 > inspector.Limits.MaxDepth)
        {
            return Assessment.Unknown(kind, UnknownReason.LimitDepth, inspector.Limits);
        }

        using var stream = content.OpenRead();
        var parser = new MimeParser(stream, MimeFormat.Entity, persistent: true);
        var message = await parser.ParseMessageAsync(inspector.Context.Token).ConfigureAwait(false);
        var inner = await WalkAsync(message, stream, site, inspector).ConfigureAwait(false);
        if (inner.Problems.Count > 0)
        {
            return new Assessment(kind, ProtectionStatus.Unknown, inner.Problems[0].Text)
            {
                UnknownReason = UnknownReason.Corrupt,
                Children = inner.Attachments,
            };
        }

        return inner.Attachments.Count == 0
            ? new Assessment(kind, ProtectionStatus.Protected, InspectionTexts.AttachedMessageBody)
            : Assessment.Transparent(kind, inner.Attachments);
    }

    /// <summary>
    /// Outlook's winmail.dat: the attachments it carries are inspected like any others. A TNEF part with no attachments
    /// is only the rich-text body Outlook encapsulated, which is body, not an attachment.
    /// </summary>
    public static async Task<Assessment> AssessTnefAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        if (site.Depth + 1 > inspector.Limits.MaxDepth)
        {
            return Assessment.Unknown(FileKind.Tnef, UnknownReason.LimitDepth, inspector.Limits);
        }

        using var stream = content.OpenRead();
        var tnef = new TnefPart { Content = new MimeContent(stream) };
        var message = tnef.ConvertToMessage();
        var inner = await WalkAsync(message, raw: null, site, inspector).ConfigureAwait(false);
        if (inner.Attachments.Count > inspector.Limits.MaxEntries)
        {
            throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {inspector.Limits.MaxEntries} attachments");
        }

        return inner.Attachments.Count == 0
            ? new Assessment(FileKind.Tnef, ProtectionStatus.Protected, InspectionTexts.AttachedMessageBody)
            : Assessment.Transparent(FileKind.Tnef, inner.Attachments);
    }

    private static async Task VisitAsync(MimeEntity entity, Multipart? container, Walk walk)
    {
        var inspector = walk.Inspector;
        inspector.Context.ThrowIfExpired();
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                {
                    await VisitAsync(child, multipart, walk).ConfigureAwait(false);
                }

                break;

            case MessagePart messagePart:
                {
                    var index = ++walk.Leaves;
                    if (BodyItemProof.ProveHeaders(messagePart, container) is { } headers)
                    {
                        walk.Exclude(headers);
                        break;
                    }

                    var name = messagePart.ContentDisposition?.FileName ?? MessageName(messagePart.Message, index);
                    var site = Site(walk.Parent, name, messagePart.ContentType.MimeType);
                    var writer = new ContentBufferWriter(hash: walk.Parent is null);
                    await using (writer.ConfigureAwait(false))
                    {
                        if (messagePart.Message is not null)
                        {
                            await messagePart.Message.WriteToAsync(writer, inspector.Context.Token).ConfigureAwait(false);
                        }

                        var sha = writer.Sha256Hex;
                        using var buffer = writer.ToBuffer();
                        walk.Result.Attachments.Add(await inspector.InspectAsync(buffer, site, sha, FileKind.Message).ConfigureAwait(false));
                    }

                    break;
                }

            case MimePart part:
                await VisitLeafAsync(part, container, walk, ++walk.Leaves).ConfigureAwait(false);
                break;
        }
    }

    private static async Task VisitLeafAsync(MimePart part, Multipart? container, Walk walk, int index)
    {
        if (IsBody(part))
        {
            return;
        }

        if (await IsCalendarAsync(part).ConfigureAwait(false))
        {
            walk.Exclude(new ExcludedPart(part.FileName, part.ContentType.MimeType, ExclusionReason.Calendar));
            return;
        }

        if (await IsReferencedInlineImageAsync(part, walk.Cids).ConfigureAwait(false))
        {
            walk.Exclude(new ExcludedPart(part.FileName ?? part.ContentId, part.ContentType.MimeType, ExclusionReason.InlineImage));
            return;
        }

        var token = walk.Inspector.Context.Token;
        if (await BodyItemProof.ProveAsync(part, container, token).ConfigureAwait(false) is { } item)
        {
            walk.Exclude(item);
            return;
        }

        var site = Site(walk.Parent, part.FileName ?? UnnamedPart(index), part.ContentType.MimeType);
        if (await OpaqueSignature.TryUnwrapAsync(part, walk.Inspector.Context).ConfigureAwait(false) is var (entity, content))
        {
            // Each unwrapping is a nesting level, counted with the attached messages and archives this walk sits in.
            if (walk.Unwrapped + (walk.Parent?.Depth + 1 ?? 0) >= walk.Inspector.Limits.MaxDepth)
            {
                walk.Result.Attachments.Add(walk.Inspector.LimitedEntry(site, content.Length, UnknownReason.LimitDepth));
                return;
            }

            walk.Exclude(new ExcludedPart(part.FileName, part.ContentType.MimeType, ExclusionReason.Signature) { Detail = InspectionTexts.SmimeOpaqueSignature });
            if (await BoundaryChecker.AnyUnclosedAsync(new MemoryStream(content, writable: false), entity, token).ConfigureAwait(false))
            {
                walk.Result.Problems.Add(new InspectionProblem("mime-incomplete", InspectionTexts.MimeIncomplete));
            }

            walk.Cids.UnionWith(CollectCidReferences(entity));
            walk.Unwrapped++;
            await VisitAsync(entity, container: null, walk).ConfigureAwait(false);
            walk.Unwrapped--;
            return;
        }

        walk.Result.Attachments.Add(await InspectPartAsync(part, site, walk.Inspector, topLevel: walk.Parent is null).ConfigureAwait(false));
    }

    /// <summary>Decodes a leaf and inspects it; damaged base64 makes it unknown rather than silently repaired.</summary>
    private static async Task<AttachmentNode> InspectPartAsync(MimePart part, NodeSite site, ContentInspector inspector, bool topLevel)
    {
        var writer = new ContentBufferWriter(hash: topLevel);
        await using (writer.ConfigureAwait(false))
        {
            var encodingBroken = false;
            if (part.Content is not null)
            {
                var base64 = part.Content.Encoding == ContentEncoding.Base64 && part.Content.Stream is { CanSeek: true } ? part.Content.Stream : null;
                encodingBroken = base64 is not null && !await Base64Validator.IsValidAsync(base64, inspector.Context.Token).ConfigureAwait(false);
                await (base64 is not null && !encodingBroken
                    ? Base64Decoder.DecodeAsync(base64, writer, inspector.Context.Token)
                    : part.Content.DecodeToAsync(writer, inspector.Context.Token)).ConfigureAwait(false);
            }

            var sha = writer.Sha256Hex;
            using var buffer = writer.ToBuffer();
            var node = await inspector.InspectAsync(buffer, site, sha).ConfigureAwait(false);
            return encodingBroken ? ContentInspector.WithBrokenEncoding(node, "base64") : node;
        }
    }

    /// <summary>The message's own text: plain, HTML or rich text (Outlook's TNEF body), not marked as an attachment, without a file name.</summary>
    private static bool IsBody(MimePart part) =>
        part is TextPart text && (text.IsPlain || text.IsHtml || text.IsRichText) && !part.IsAttachment && part.FileName is null;

    /// <summary>text/calendar, or an application/ics (or invite.ics) copy, that really holds an iCalendar object.</summary>
    private static async Task<bool> IsCalendarAsync(MimePart part)
    {
        var mime = part.ContentType.MimeType;
        var named = part.FileName?.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) == true;
        if (!mime.Equals("text/calendar", StringComparison.OrdinalIgnoreCase)
            && !mime.Equals("application/ics", StringComparison.OrdinalIgnoreCase)
            && !(named && mime.StartsWith("text/", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var head = await DecodeHeadAsync(part, CalendarProbeBytes).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        return text.StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Inline (not "attachment"), has a Content-ID the HTML body refers to, and is an image by content.</summary>
    private static async Task<bool> IsReferencedInlineImageAsync(MimePart part, HashSet<string> cids)
    {
        if (part.ContentDisposition?.Disposition.Equals(ContentDisposition.Attachment, StringComparison.OrdinalIgnoreCase) == true
            || string.IsNullOrEmpty(part.ContentId)
            || !cids.Contains(part.ContentId))
        {
            return false;
        }

        var head = await DecodeHeadAsync(part, ContentBuffer.HeadSize).ConfigureAwait(false);
        return KindSniffer.Sniff(head, head.Length).Kind == FileKind.Image;
    }

    private static async Task<byte[]> DecodeHeadAsync(MimePart part, int count)
    {
        if (part.Content is null)
        {
            return [];
        }

        using var decoded = part.Content.Open();
        var head = new byte[count];
        var read = await decoded.ReadAtLeastAsync(head, count, throwOnEndOfStream: false).ConfigureAwait(false);
        return head[..read];
    }

    /// <summary>Every <c>cid:</c> reference in the HTML body parts of this message (not of attached messages), HTML in RTF included.</summary>
    private static HashSet<string> CollectCidReferences(MimeEntity body)
    {
        var cids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Collect(MimeEntity entity)
        {
            switch (entity)
            {
                case Multipart multipart:
                    foreach (var child in multipart)
                    {
                        Collect(child);
                    }

                    break;
                case TextPart { IsHtml: true } html when !html.IsAttachment:
                    AddCids(html.Text);
                    break;

                // Outlook's TNEF body: HTML encapsulated in RTF (\fromhtml1), its tags, cid: references included, kept in
                // {\*\htmltag …} groups ([MS-OXRTFEX]).
                case TextPart { IsRichText: true } rtf when !rtf.IsAttachment && rtf.Text is { } text && text.Contains("\\fromhtml", StringComparison.Ordinal):
                    AddCids(text);
                    break;
            }
        }

        void AddCids(string? text)
        {
            foreach (Match match in CidReference().Matches(text ?? ""))
            {
                cids.Add(Uri.UnescapeDataString(match.Groups[1].Value));
            }
        }

        Collect(body);
        return cids;
    }

    private static NodeSite Site(NodeSite? parent, string name, string declaredType) =>
        parent is null ? NodeSite.TopLevel(name, declaredType) : parent.Child(name, declaredType);

    private static string UnnamedPart(int index) => $"(名前なし/unnamed #{index})";

    private static string MessageName(MimeMessage? message, int index) =>
        string.IsNullOrWhiteSpace(message?.Subject) ? $"(message #{index}).eml" : message.Subject + ".eml";

    [GeneratedRegex(@"cid:([^""'\s>)]+)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex CidReference();
}
