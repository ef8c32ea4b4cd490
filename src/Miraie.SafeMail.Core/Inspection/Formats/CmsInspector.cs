namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// S/MIME's CMS objects as files (an encrypted smime.p7m, an attached .p7m or .p7s, one inside an archive). An envelope
/// (EnvelopedData, AuthEnvelopedData) that parses is protected; signed data is transparent: anyone can read its content,
/// which is walked like a message when it is a MIME entity (what S/MIME signs) and inspected as a file otherwise (a
/// signed PDF); a signature without content holds nothing to read. What claims to be CMS and does not parse is unknown.
/// </summary>
internal static class CmsInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        if (content.Length > inspector.Limits.MaxExpandedBytes)
        {
            throw new InspectionLimitException(UnknownReason.LimitSize, "CMS object larger than the expansion limit");
        }

        var bytes = new byte[content.Length];
        using (var stream = content.OpenRead())
        {
            await stream.ReadExactlyAsync(bytes, inspector.Context.Token).ConfigureAwait(false);
        }

        var cms = CmsReader.Read(bytes);
        switch (cms)
        {
            case null:
                return Assessment.Unknown(FileKind.Smime, UnknownReason.Corrupt, inspector.Limits, "CMS");
            case { Type: CmsType.Enveloped or CmsType.AuthEnveloped }:
                return new Assessment(FileKind.Smime, ProtectionStatus.Protected, InspectionTexts.SmimeEncrypted(cms.Algorithm!, cms.Count))
                {
                    Encryption = "smime-" + cms.Algorithm,
                };
            case { Type: CmsType.Signed, Content.Length: 0 }:
                return new Assessment(FileKind.Smime, ProtectionStatus.Protected, InspectionTexts.SignatureOnly);
            case { Type: CmsType.Signed }:
                return await AssessSignedContentAsync(cms.Content, site, inspector).ConfigureAwait(false);
            default:
                return Assessment.Unknown(FileKind.Smime, UnknownReason.Unsupported, inspector.Limits, "CMS " + cms.Algorithm);
        }
    }

    private static async Task<Assessment> AssessSignedContentAsync(ReadOnlyMemory<byte> signed, NodeSite site, ContentInspector inspector)
    {
        if (site.Depth + 1 > inspector.Limits.MaxDepth)
        {
            return Assessment.Unknown(FileKind.Smime, UnknownReason.LimitDepth, inspector.Limits);
        }

        inspector.Context.ChargeExpansion(signed.Length);
        using var buffer = ContentBuffer.FromBytes(signed.ToArray());
        if (HeaderFields.StartsMimeEntity(signed.Span))
        {
            return await MessageWalker.AssessEnclosedAsync(buffer, site, inspector, FileKind.Smime).ConfigureAwait(false);
        }

        var child = await inspector.InspectAsync(buffer, site.Child(ContentName(site.Name))).ConfigureAwait(false);
        return Assessment.Transparent(FileKind.Smime, [child]);
    }

    /// <summary>The signed file's own name: <c>申請書.pdf.p7m</c> holds <c>申請書.pdf</c>.</summary>
    private static string ContentName(string name)
    {
        var fileName = Path.GetFileName(name);
        return fileName.EndsWith(".p7m", StringComparison.OrdinalIgnoreCase) && fileName.Length > 4 ? fileName[..^4] : fileName + ".content";
    }
}
