using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Rewriting;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// Action <c>Link</c> (ADR-021): takes every attachment out of the message, unaltered, for the download page, and puts a
/// short Japanese-then-English note with the link at the top of the message's text (and of its HTML, as escaped text and
/// one link — nothing of the mail's own HTML is interpreted). Headers, the rest of the text and inline images stay as
/// they were. Refuses, like Encrypt, a signed or encrypted message and an attachment that is not a plain MIME part; the
/// caller quarantines it.
/// </summary>
public static partial class LinkMaker
{
    /// <summary>The new message and the files that leave it (decoded, in the message's order), or why there is none.</summary>
    public static Task<LinkOutcome> MakeAsync(MessageContent original, InspectionReport report, string url, string expires, CancellationToken cancellationToken) =>
        AttachmentParts.GuardAsync(() => RewriteAsync(original, report, url, expires, cancellationToken), problem => new LinkOutcome(null, [], problem));

    private static async Task<LinkOutcome> RewriteAsync(MessageContent original, InspectionReport report, string url, string expires, CancellationToken cancellationToken)
    {
        MimeMessage message;
        await using (var stream = original.OpenRead())
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        if (AttachmentParts.IsSignedOrEncrypted(message))
        {
            return LinkOutcome.Refused("署名または暗号化されたメールは変更できないため、隔離しました", "a signed or encrypted message cannot be changed, so it was quarantined");
        }

        var parts = await AttachmentParts.FindAsync(message, report.Attachments, cancellationToken).ConfigureAwait(false);
        if (parts is null)
        {
            return LinkOutcome.Refused("添付ファイルをメールの中で特定できないため、隔離しました", "an attachment could not be singled out in the message, so it was quarantined");
        }

        var files = parts.Select((p, i) => new LinkedFile(AttachmentParts.FileNameOf(p, i), p.Part.ContentType.MimeType, p.Content)).ToList();
        AttachmentParts.Replace(message, parts, null);
        AddNote(message, files, url, expires);
        return new LinkOutcome(await AttachmentParts.WriteAsync(message, original.Length, cancellationToken).ConfigureAwait(false), files, null);
    }

    /// <summary>The note, Japanese then English, as plain text.</summary>
    public static string Note(IReadOnlyList<LinkedFile> files, string url, string expires)
    {
        var text = new StringBuilder();
        var total = NoticeSize.Of(files.Sum(f => f.Content.Length));
        text.Append("【添付ファイルのダウンロード】\r\n")
            .Append($"このメールの添付ファイル（{files.Count}件、合計 {total}）は、次のリンクからダウンロードしてください（{expires} まで）。\r\n")
            .Append("ダウンロードの前に、このメールを受け取ったメールアドレスに確認コードをお送りします。\r\n")
            .Append("[Attachments] The attachments of this mail (").Append(files.Count).Append(files.Count == 1 ? " file, " : " files, ").Append(total)
            .Append($") can be downloaded from the link below until {expires}. A confirmation code is sent to the address that received this mail first.\r\n")
            .Append(url).Append("\r\n");
        foreach (var file in files)
        {
            text.Append("  ").Append(NoticeFormat.Safe(file.Name)).Append(" (").Append(NoticeSize.Of(file.Content.Length)).Append(")\r\n");
        }

        return text.Append("\r\n").ToString();
    }

    /// <summary>The first text and HTML parts of the message itself (not of an attached message) get the note; a message without either gets a text part.</summary>
    private static void AddNote(MimeMessage message, IReadOnlyList<LinkedFile> files, string url, string expires)
    {
        var note = Note(files, url, expires);
        var plain = FirstText(message.Body, "plain");
        var html = FirstText(message.Body, "html");
        if (plain is not null)
        {
            plain.SetText(Encoding.UTF8, note + plain.Text);
        }

        if (html is not null)
        {
            var block = "<div style=\"border:1px solid #888;padding:8px;margin:0 0 12px 0\"><p>" +
                WebUtility.HtmlEncode(note.TrimEnd()).Replace("\r\n", "<br>\r\n", StringComparison.Ordinal)
                    .Replace(WebUtility.HtmlEncode(url), $"<a href=\"{WebUtility.HtmlEncode(url)}\">{WebUtility.HtmlEncode(url)}</a>", StringComparison.Ordinal) +
                "</p></div>\r\n";
            var body = BodyTag().Match(html.Text);
            html.SetText(Encoding.UTF8, body.Success ? html.Text.Insert(body.Index + body.Length, block) : block + html.Text);
        }

        if (plain is null && html is null)
        {
            var part = NoticeFormat.PlainText(note);
            if (message.Body is Multipart multipart)
            {
                multipart.Insert(0, part);
            }
            else
            {
                message.Body = part;
            }
        }
    }

    private static TextPart? FirstText(MimeEntity? entity, string subtype) => entity switch
    {
        TextPart text when !text.IsAttachment && text.ContentType.IsMimeType("text", subtype) => text,
        Multipart multipart => multipart.Select(e => FirstText(e, subtype)).FirstOrDefault(t => t is not null),
        _ => null,
    };

    [GeneratedRegex("<body[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BodyTag();
}
