using Miraie.SafeMail.Core.Inspection.Formats;
using MimeKit;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// S/MIME opaque signing (application/pkcs7-mime; smime-type=signed-data): the message's content travels inside a CMS
/// SignedData, readable by anyone (PRODUCT.md). The walker unwraps it and walks the MIME entity in its place, so what the
/// recipient's program shows as body and attachments is inspected as body and attachments of this message.
/// </summary>
internal static class OpaqueSignature
{
    private const int HeadBytes = 32;

    /// <summary>The signed MIME entity and its bytes, or null when <paramref name="part"/> is not an opaque-signed MIME entity.</summary>
    public static async Task<(MimeEntity Entity, byte[] Content)?> TryUnwrapAsync(MimePart part, InspectionContext context)
    {
        if (part.Content is null || !(part.ContentType.IsMimeType("application", "pkcs7-mime") || part.ContentType.IsMimeType("application", "x-pkcs7-mime")))
        {
            return null;
        }

        if (part.Content.Encoding == ContentEncoding.Base64 && part.Content.Stream is { } encoded
            && !await Base64Validator.IsValidAsync(encoded, context.Token).ConfigureAwait(false))
        {
            return null; // damaged: inspected as an attachment, which reports the broken encoding
        }

        using var decoded = part.Content.Open();
        var head = new byte[HeadBytes];
        var read = await decoded.ReadAtLeastAsync(head, HeadBytes, throwOnEndOfStream: false, context.Token).ConfigureAwait(false);
        if (!CmsReader.IsSignedData(head.AsSpan(0, read)))
        {
            return null; // enveloped (protected), or not CMS at all: inspected as an attachment
        }

        using var all = new MemoryStream();
        await all.WriteAsync(head.AsMemory(0, read), context.Token).ConfigureAwait(false);
        await decoded.CopyToAsync(all, context.Token).ConfigureAwait(false);
        if (all.Length > context.Limits.MaxExpandedBytes || CmsReader.Read(all.GetBuffer().AsMemory(0, (int)all.Length)) is not { Type: CmsType.Signed } cms
            || !HeaderFields.StartsMimeEntity(cms.Content.Span))
        {
            return null; // a signed file rather than signed mail (a .p7m holding a PDF), or damaged: the file path decides
        }

        context.ChargeExpansion(cms.Content.Length);
        var content = cms.Content.ToArray();
        var parser = new MimeParser(new MemoryStream(content, writable: false), MimeFormat.Entity);
        return (await parser.ParseEntityAsync(context.Token).ConfigureAwait(false), content);
    }
}
