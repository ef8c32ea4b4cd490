using System.Collections.Frozen;
using Miraie.SafeMail.Core.Inspection.Formats;
using MimeKit;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Signature parts, the PGP/MIME control part and the machine-readable parts of a report are body (PRODUCT.md,
/// "Attachment") — but only when the bytes prove what the Content-Type claims, as inline images and calendar data must:
/// an S/MIME signature parses as CMS SignedData without content, an OpenPGP signature is signature packets only, the
/// control part says <c>Version: 1</c> inside multipart/encrypted, a report part inside multipart/report parses as
/// header fields with the fields its RFC requires. Anything that fails its proof, or is over <see cref="MaxBytes"/>,
/// is inspected as an attachment like any other part.
/// </summary>
internal static class BodyItemProof
{
    /// <summary>The largest body item: real signatures and report parts are a few KB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Report part types, each with the fields (lower case) that one of its blocks must have (RFC 3464, 6533, 8098, 5965).</summary>
    private static readonly FrozenDictionary<string, string[]> ReportFields = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["message/delivery-status"] = ["final-recipient", "action", "status"],
        ["message/global-delivery-status"] = ["final-recipient", "action", "status"],
        ["message/disposition-notification"] = ["final-recipient", "disposition"],
        ["message/global-disposition-notification"] = ["final-recipient", "disposition"],
        ["message/feedback-report"] = ["feedback-type", "user-agent", "version"],
        ["text/rfc822-headers"] = [],
        ["message/global-headers"] = [],
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private enum Claim
    {
        None,
        SmimeSignature,
        PgpSignature,
        PgpControl,
        Report,
    }

    /// <summary>The part as a body item when it proves to be one; null when it is to be inspected as an attachment.</summary>
    /// <param name="part">A leaf that is not the text body.</param>
    /// <param name="container">The multipart it sits in directly, if any.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public static async Task<ExcludedPart?> ProveAsync(MimePart part, Multipart? container, CancellationToken cancellationToken)
    {
        var mime = part.ContentType.MimeType;
        var claim = ClaimOf(mime, part.FileName, container);
        if (claim == Claim.None || await DecodeAsync(part, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return null;
        }

        return claim switch
        {
            Claim.SmimeSignature when CmsReader.Read(bytes) is { Type: CmsType.Signed, Content.Length: 0 } =>
                new ExcludedPart(part.FileName, mime, ExclusionReason.Signature) { Detail = InspectionTexts.SmimeSignature },
            Claim.PgpSignature when PgpSignatureOnly(bytes, cancellationToken) =>
                new ExcludedPart(part.FileName, mime, ExclusionReason.Signature) { Detail = InspectionTexts.OpenPgpSignature },
            Claim.PgpControl when IsVersionOne(bytes) => new ExcludedPart(part.FileName, mime, ExclusionReason.EncryptionControl),
            Claim.Report when HasReportFields(mime, bytes) =>
                new ExcludedPart(part.FileName, mime, ExclusionReason.Report) { Detail = InspectionTexts.ReportPart(mime) },
            _ => null,
        };
    }

    /// <summary>
    /// text/rfc822-headers and message/global-headers, which MimeKit parses as a message: body when inside multipart/report
    /// and the "message" is header fields only, with nothing after them.
    /// </summary>
    public static ExcludedPart? ProveHeaders(MessagePart part, Multipart? container)
    {
        var mime = part.ContentType.MimeType;
        if (!IsReport(container) || !mime.Equals("text/rfc822-headers", StringComparison.OrdinalIgnoreCase) && !mime.Equals("message/global-headers", StringComparison.OrdinalIgnoreCase)
            || part.Message is not { Headers.Count: > 0 } message || !IsEmpty(message.Body))
        {
            return null;
        }

        var name = part.ContentDisposition?.FileName ?? part.ContentType.Name;
        return new ExcludedPart(name, mime, ExclusionReason.Report) { Detail = InspectionTexts.ReportPart(mime) };
    }

    private static Claim ClaimOf(string mime, string? fileName, Multipart? container) => mime.ToLowerInvariant() switch
    {
        "application/pkcs7-signature" or "application/x-pkcs7-signature" => Claim.SmimeSignature,
        "application/octet-stream" when fileName?.EndsWith(".p7s", StringComparison.OrdinalIgnoreCase) == true => Claim.SmimeSignature,
        "application/pgp-signature" or "application/x-pgp-signature" => Claim.PgpSignature,
        "application/pgp-encrypted" or "application/x-pgp-encrypted" when container?.ContentType.IsMimeType("multipart", "encrypted") == true => Claim.PgpControl,
        var type when ReportFields.ContainsKey(type) && IsReport(container) => Claim.Report,
        _ => Claim.None,
    };

    private static bool IsReport(Multipart? container) => container?.ContentType.IsMimeType("multipart", "report") == true;

    private static bool PgpSignatureOnly(byte[] bytes, CancellationToken cancellationToken)
    {
        var binary = OpenPgpArmor.StartsArmored(bytes) ? OpenPgpArmor.Decode(bytes) : bytes;
        return binary is not null && OpenPgpPackets.Read(new MemoryStream(binary, writable: false), cancellationToken).Content == OpenPgpContent.SignatureOnly;
    }

    /// <summary>RFC 3156 §4: the control part is "Version: 1" (blank lines around it allowed, nothing else).</summary>
    private static bool IsVersionOne(byte[] bytes) =>
        HeaderFields.Blocks(bytes) is [_]
        && System.Text.Encoding.ASCII.GetString(bytes).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
            .All(l => l.Replace(" ", "", StringComparison.Ordinal).Equals("version:1", StringComparison.OrdinalIgnoreCase));

    private static bool HasReportFields(string mime, byte[] bytes)
    {
        var required = ReportFields[mime];
        return HeaderFields.Blocks(bytes) is { Count: > 0 } blocks
            && (required.Length > 0 ? blocks.Any(b => required.All(b.Contains)) : blocks.Count == 1);
    }

    /// <summary>A parsed headers-only "message" has no body bytes at all.</summary>
    private static bool IsEmpty(MimeEntity? body) => body switch
    {
        null => true,
        Multipart multipart => multipart.Count == 0 && string.IsNullOrEmpty(multipart.Preamble) && string.IsNullOrEmpty(multipart.Epilogue),
        MimePart part => part.Content?.Stream is not { } stream || stream.Length == 0,
        _ => false,
    };

    private static async Task<byte[]?> DecodeAsync(MimePart part, CancellationToken cancellationToken)
    {
        if (part.Content is null)
        {
            return [];
        }

        using var decoded = part.Content.Open();
        using var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await decoded.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > MaxBytes)
            {
                return null;
            }

            copy.Write(chunk, 0, read);
        }

        return copy.ToArray();
    }
}
