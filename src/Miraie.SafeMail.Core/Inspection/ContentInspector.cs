using System.Collections.Frozen;
using Miraie.SafeMail.Core.Inspection.Formats;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Inspects one piece of content: sniffs its kind, hands it to the reader of that format, and builds the node.
/// Every failure below this point becomes an Unknown node with a reason; nothing escapes as an exception
/// except the caller's own cancellation.
/// </summary>
internal sealed class ContentInspector(InspectionContext context)
{
    /// <summary>Text files Windows runs when opened: text content under these names is an executable script.</summary>
    private static readonly FrozenSet<string> ScriptExtensions = new[]
    {
        "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "wsc", "sct", "hta", "reg", "inf", "scf", "url", "sh", "command",
    }.ToFrozenSet(StringComparer.Ordinal);

    public InspectionContext Context => context;

    public InspectionLimits Limits => context.Limits;

    /// <summary>Inspects <paramref name="content"/> found at <paramref name="site"/>.</summary>
    /// <param name="content">The decoded bytes.</param>
    /// <param name="site">Where they were found.</param>
    /// <param name="sha256">The content hash, for top-level attachments.</param>
    /// <param name="knownKind">Set when the MIME structure already proves the kind (message/rfc822).</param>
    public async Task<AttachmentNode> InspectAsync(ContentBuffer content, NodeSite site, string? sha256 = null, FileKind? knownKind = null)
    {
        var sniff = knownKind is { } kind ? new SniffResult(kind, kind.ToString()) : KindSniffer.Sniff(content.Head, content.Length);
        if (sniff is { Kind: FileKind.Unknown, Unsupported: false })
        {
            // A disc image says what it is at sector 16, past the head: only looked for when nothing else matched.
            using var stream = content.OpenRead();
            sniff = IsoImage.Sniff(stream) ?? sniff;
        }

        var assessment = await GuardAsync(sniff, () => AssessAsync(content, site, sniff)).ConfigureAwait(false);
        return BuildNode(site, assessment, content.Length, sha256);
    }

    /// <summary>
    /// Runs a reader, turning every failure into an Unknown assessment of the sniffed kind: a limit names the limit, the
    /// deadline is a time limit, anything else (hostile or damaged input) is corrupt. Only the caller's cancellation escapes.
    /// </summary>
    public async Task<Assessment> GuardAsync(SniffResult sniff, Func<Task<Assessment>> assess)
    {
        try
        {
            context.ThrowIfExpired();
            return await assess().ConfigureAwait(false);
        }
        catch (InspectionLimitException limit)
        {
            return Assessment.Unknown(sniff.Kind, limit.Reason, Limits, limit.Reason == UnknownReason.LimitEntries ? limit.Message : null);
        }
        catch (OperationCanceledException) when (context.TimedOut)
        {
            return Assessment.Unknown(sniff.Kind, UnknownReason.LimitTime, Limits);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any reader failure on hostile or damaged input: the content could not be inspected.
            return Assessment.Unknown(sniff.Kind, UnknownReason.Corrupt, Limits, sniff.Format);
        }
    }

    /// <summary>A node for an item whose assessment a container reader made itself (an Outlook item inside an Outlook item).</summary>
    public static AttachmentNode Node(NodeSite site, Assessment assessment, long size) => BuildNode(site, assessment, size, sha256: null);

    /// <summary>A node for an archive entry we cannot and need not read because it is encrypted.</summary>
    public static AttachmentNode EncryptedEntry(NodeSite site, long size, string method) => BuildNode(
        site,
        new Assessment(FileKind.Unknown, ProtectionStatus.Protected, InspectionTexts.EntryEncrypted(method)) { Encryption = method },
        size,
        sha256: null);

    /// <summary>The same node marked unknown because its transfer encoding was damaged.</summary>
    public static AttachmentNode WithBrokenEncoding(AttachmentNode node, string encoding) => node with
    {
        Protection = ProtectionStatus.Unknown,
        Detail = InspectionTexts.TransferEncodingBroken(encoding),
        UnknownReason = UnknownReason.Corrupt,
        Encryption = null,
    };

    /// <summary>A node for content whose inspection did not come back in time.</summary>
    public static AttachmentNode Unanswered(NodeSite site, InspectionLimits limits) =>
        BuildNode(site, Assessment.Unknown(FileKind.Unknown, UnknownReason.LimitTime, limits), 0, sha256: null);

    /// <summary>A node for an archive item stored in a way we cannot read (an unsupported method), naming it.</summary>
    public static AttachmentNode UnsupportedEntry(NodeSite site, long size, string what, InspectionLimits limits) =>
        BuildNode(site, Assessment.Unknown(FileKind.Unknown, UnknownReason.Unsupported, limits, what), size, sha256: null);

    /// <summary>A node for an archive item whose data is damaged (bad compressed data, a checksum mismatch).</summary>
    public static AttachmentNode CorruptEntry(NodeSite site, long size, string format, InspectionLimits limits) =>
        BuildNode(site, Assessment.Unknown(FileKind.Unknown, UnknownReason.Corrupt, limits, format), size, sha256: null);

    /// <summary>A node for content that was not inspected because of a limit.</summary>
    public AttachmentNode LimitedEntry(NodeSite site, long size, UnknownReason reason) =>
        BuildNode(site, Assessment.Unknown(FileKind.Unknown, reason, Limits), size, sha256: null);

    /// <summary>
    /// Copies an archive entry's decompressed bytes into a buffer, charging the message-wide expansion budget and the
    /// archive's ratio as it goes, then inspects it. Entries deeper than the nesting limit are not expanded.
    /// </summary>
    public async Task<AttachmentNode> ExpandAsync(Func<Stream> open, NodeSite site, long statedSize, ExpansionMeter meter)
    {
        if (site.Depth > Limits.MaxDepth)
        {
            return LimitedEntry(site, statedSize, UnknownReason.LimitDepth);
        }

        ContentBuffer buffer;
        try
        {
            buffer = await CopyChargedAsync(open, meter).ConfigureAwait(false);
        }
        catch (InspectionLimitException limit) when (limit.Reason is UnknownReason.LimitRatio)
        {
            throw; // a bomb condemns the whole archive, not one entry
        }
        catch (InspectionLimitException limit)
        {
            return LimitedEntry(site, statedSize, limit.Reason);
        }
        catch (OperationCanceledException) when (context.TimedOut)
        {
            return LimitedEntry(site, statedSize, UnknownReason.LimitTime);
        }
        catch (NotSupportedException unsupported)
        {
            return BuildNode(site, Assessment.Unknown(FileKind.Unknown, UnknownReason.Unsupported, Limits, unsupported.Message), statedSize, null);
        }

        // Any other failure while decompressing (bad data, CRC mismatch, truncation) propagates: the archive itself is
        // corrupt, and the archive's node becomes unknown rather than trusting what the rest of it says.
        using (buffer)
        {
            return await InspectAsync(buffer, site).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies what <paramref name="open"/> yields into a buffer, charging the message-wide expansion budget and
    /// <paramref name="meter"/>'s ratio as it goes (<see cref="InspectionLimitException"/> when either is exceeded).
    /// </summary>
    public async Task<ContentBuffer> CopyChargedAsync(Func<Stream> open, ExpansionMeter meter)
    {
        await using var stream = open();
        long counted = 0;
        return await ContentBuffer.CopyFromAsync(stream, total =>
        {
            context.ChargeExpansion(total - counted);
            meter.Add(total - counted);
            counted = total;
        }, context.Token).ConfigureAwait(false);
    }

    private async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, SniffResult sniff)
    {
        if (content.Length == 0)
        {
            // Nothing to read and nothing to identify: kind unknown (like an encrypted entry), protected, never disguised.
            return new Assessment(FileKind.Unknown, ProtectionStatus.Protected, InspectionTexts.EmptyFile);
        }

        switch (sniff.Kind)
        {
            case FileKind.Zip:
                return await ZipInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.SevenZip or FileKind.Rar:
                return await SharpCompressInspector.AssessAsync(content, site, sniff, this).ConfigureAwait(false);
            case FileKind.Gzip:
                return await GzipInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Tar:
                return await TarInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Lzh:
                return await LzhInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Cab:
                return await CabInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Iso:
                return await IsoInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Odf:
                return await OdfInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Pdf:
                return await PdfInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Cfb:
                return await CfbInspector.AssessAsync(content, site, this).ConfigureAwait(false);

            case FileKind.Tnef:
                return await MessageWalker.AssessTnefAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Message:
                return await MessageWalker.AssessAttachedMessageAsync(content, site, this).ConfigureAwait(false);
            case FileKind.Smime:
                return await CmsInspector.AssessAsync(content, site, this).ConfigureAwait(false);
            case FileKind.OpenPgp:
                return await OpenPgpInspector.AssessAsync(content, this).ConfigureAwait(false);
            case FileKind.Executable:
                return new Assessment(FileKind.Executable, ProtectionStatus.NotProtected, InspectionTexts.ExecutableFile(sniff.Format));
            case FileKind.Text when IsScriptName(site.Name):
                return new Assessment(FileKind.Executable, ProtectionStatus.NotProtected, InspectionTexts.ExecutableFile("script"));
            case FileKind.Image or FileKind.Text:
                return Assessment.Plain(sniff.Kind);
            default:
                return sniff.Unsupported
                    ? Assessment.Unknown(FileKind.Unknown, UnknownReason.Unsupported, Limits, sniff.Format)
                    : Assessment.Unknown(FileKind.Unknown, UnknownReason.Unrecognised, Limits);
        }
    }

    private static bool IsScriptName(string name)
    {
        var extensions = DisguiseDetector.Extensions(name);
        return extensions.Count > 0 && ScriptExtensions.Contains(extensions[^1]);
    }

    private static AttachmentNode BuildNode(NodeSite site, Assessment assessment, long size, string? sha256) => new()
    {
        Name = site.Name,
        PathSegments = site.Path,
        DeclaredType = site.DeclaredType,
        Kind = assessment.Kind,
        Size = size,
        Protection = assessment.Protection,
        Detail = assessment.Detail,
        UnknownReason = assessment.UnknownReason,
        Encryption = assessment.Encryption,
        Disguise = DisguiseDetector.Detect(site.Name, assessment.Kind),
        Sha256 = sha256,
        Children = assessment.Children,
        HoldsOwnContent = assessment.HoldsOwnContent,
    };
}
