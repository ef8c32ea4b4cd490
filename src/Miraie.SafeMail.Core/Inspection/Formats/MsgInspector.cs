using System.Buffers.Binary;
using System.Text;
using MimeKit.Tnef;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Outlook items (.msg, [MS-OXMSG]): a compound file whose storages hold MAPI properties. Like an attached .eml, an
/// item is transparent over its attachments (<c>__attach_version1.0_#XXXXXXXX</c> storages): a file by value
/// (PR_ATTACH_DATA_BIN), an attached item (a <c>__substg1.0_3701000D</c> storage laid out like a message, inspected
/// in turn), or an OLE object (the same storage holding an OLE object, read like one). Its bodies are body; a picture
/// whose content id the HTML body shows (<c>cid:</c>) is body too, as in MIME. Bounded by the entry limit, the depth
/// limit and the expansion budget; a broken structure throws (the item is then unknown).
/// </summary>
internal static class MsgInspector
{
    private const string PropertiesStream = "__properties_version1.0";
    private const string AttachmentPrefix = "__attach_version1.0_#";
    private const int MaxNameBytes = 64 * 1024;
    private const int MaxBodyBytes = 8 * 1024 * 1024;
    private const int MaxRtfBytes = 4 * 1024 * 1024;
    private const ushort AttachMethod = 0x3705;
    private const uint AttachOle = 6;

    /// <summary>An Outlook item (or an attached item): properties and <c>__substg1.0_</c> streams in the storage itself.</summary>
    public static bool IsItem(CompoundFile file, CfbEntry storage)
    {
        var children = file.Children(storage);
        return children.Any(e => e.Type == CfbEntryType.Stream && e.Name == PropertiesStream)
            && children.Any(e => e.Name.StartsWith("__substg1.0_", StringComparison.Ordinal));
    }

    public static async Task<Assessment> AssessAsync(CompoundFile file, CfbEntry item, NodeSite site, ContentInspector inspector, ExpansionMeter meter)
    {
        if (site.Depth + 1 > inspector.Limits.MaxDepth)
        {
            return Assessment.Unknown(FileKind.Message, UnknownReason.LimitDepth, inspector.Limits);
        }

        var attachments = file.Children(item)
            .Where(e => e.Type == CfbEntryType.Storage && e.Name.StartsWith(AttachmentPrefix, StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
        if (attachments.Count > inspector.Limits.MaxEntries)
        {
            throw new InspectionLimitException(UnknownReason.LimitEntries, $"{attachments.Count} attachments");
        }

        var nodes = new List<AttachmentNode>(attachments.Count);
        string? body = null;
        for (var i = 0; i < attachments.Count; i++)
        {
            inspector.Context.ThrowIfExpired();
            var attachment = attachments[i];
            var data = file.FindChild(attachment, "__substg1.0_37010102");
            var contentId = String(file, attachment, 0x3712);
            if (data is not null && contentId is { Length: > 0 } && IsImage(file, data)
                && (body ??= Body(file, item, inspector)).Contains("cid:" + contentId, StringComparison.OrdinalIgnoreCase))
            {
                continue; // a picture the HTML body shows: part of the body, like an inline image in MIME
            }

            nodes.Add(await AttachmentAsync(file, attachment, data, i + 1, site, inspector, meter).ConfigureAwait(false));
        }

        return nodes.Count == 0
            ? new Assessment(FileKind.Message, ProtectionStatus.Protected, InspectionTexts.AttachedMessageBody)
            : Assessment.Transparent(FileKind.Message, nodes);
    }

    private static async Task<AttachmentNode> AttachmentAsync(
        CompoundFile file, CfbEntry attachment, CfbEntry? data, int index, NodeSite site, ContentInspector inspector, ExpansionMeter meter)
    {
        var name = String(file, attachment, 0x3707) ?? String(file, attachment, 0x3704) ?? String(file, attachment, 0x3001);
        if (data is not null)
        {
            var childSite = site.Child(Named(name, $"(名前なし/unnamed #{index})"));
            return await inspector.ExpandAsync(() => file.OpenStream(data), childSite, data.Size, meter).ConfigureAwait(false);
        }

        if (file.FindChild(attachment, "__substg1.0_3701000D", CfbEntryType.Storage) is not { } storage)
        {
            // By reference, a cloud link, or nothing at all: no file travels with the item.
            return ContentInspector.Node(
                site.Child(Named(name, $"(名前なし/unnamed #{index})")),
                new Assessment(FileKind.Unknown, ProtectionStatus.Protected, InspectionTexts.AttachmentByReference),
                0);
        }

        if (Long(file, attachment, AttachMethod) != AttachOle && IsItem(file, storage))
        {
            var title = name ?? String(file, storage, 0x0037);
            var itemSite = site.Child(Named(title is null ? null : title.EndsWith(".msg", StringComparison.OrdinalIgnoreCase) ? title : title + ".msg",
                $"(message #{index}).msg"));
            var assessment = await inspector.GuardAsync(new SniffResult(FileKind.Message, "Outlook item"),
                () => AssessAsync(file, storage, itemSite, inspector, meter)).ConfigureAwait(false);
            return ContentInspector.Node(itemSite, assessment, file.TotalSize(storage));
        }

        var objectSite = site.Child(Named(name, $"(OLE object #{index})"));
        var embedded = await CfbInspector.EmbeddedObjectAsync(file, storage, objectSite, inspector, meter).ConfigureAwait(false);
        return ContentInspector.Node(objectSite, embedded is null ? Assessment.Plain(FileKind.Cfb) : Assessment.Transparent(FileKind.Cfb, [embedded]),
            file.TotalSize(storage));
    }

    private static string Named(string? name, string fallback) => string.IsNullOrWhiteSpace(name) ? fallback : name;

    private static bool IsImage(CompoundFile file, CfbEntry data) =>
        KindSniffer.Sniff(file.ReadStream(data, ContentBuffer.HeadSize), data.Size).Kind == FileKind.Image;

    /// <summary>
    /// The item's HTML body, from PR_HTML, or else the HTML Outlook wraps in its compressed RTF body
    /// (PR_RTF_COMPRESSED, decompressed by MimeKit): enough to find <c>cid:</c> references, so read as Latin-1.
    /// </summary>
    private static string Body(CompoundFile file, CfbEntry item, ContentInspector inspector)
    {
        var html = file.FindChild(item, "__substg1.0_10130102") ?? file.FindChild(item, "__substg1.0_1013001F") ?? file.FindChild(item, "__substg1.0_1013001E");
        if (html is not null)
        {
            var bytes = file.ReadStream(html, MaxBodyBytes);
            return html.Name.EndsWith("001F", StringComparison.Ordinal) ? Encoding.Unicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        }

        if (file.FindChild(item, "__substg1.0_10090102") is not { Size: > 16 and <= MaxRtfBytes } rtf)
        {
            return "";
        }

        var compressed = file.ReadStream(rtf, MaxRtfBytes);
        var stated = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(4));
        if (stated > 8L * compressed.Length + 4096)
        {
            return ""; // LZFu expands at most about eightfold: a larger stated size is not a real body
        }

        byte[] output;
        int start, length;
        try
        {
            output = new RtfCompressedToRtf().Flush(compressed, 0, compressed.Length, out start, out length);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ""; // a damaged body shows nothing: its pictures then count as attachments (towards quarantine)
        }

        inspector.Context.ChargeExpansion(length);
        return Encoding.Latin1.GetString(output, start, length);
    }

    /// <summary>A string property: PtypString (UTF-16LE) or PtypString8 (UTF-8 when valid, else CP932, like ZIP names).</summary>
    private static string? String(CompoundFile file, CfbEntry storage, ushort id)
    {
        if (file.FindChild(storage, $"__substg1.0_{id:X4}001F") is { } unicode)
        {
            return Encoding.Unicode.GetString(file.ReadStream(unicode, MaxNameBytes)).TrimEnd('\0');
        }

        return file.FindChild(storage, $"__substg1.0_{id:X4}001E") is { } ansi
            ? ZipDirectory.DecodeName(file.ReadStream(ansi, MaxNameBytes), utf8Flag: false).TrimEnd('\0')
            : null;
    }

    /// <summary>A PtypInteger32 property from an attachment's properties stream (8-byte header, 16-byte records).</summary>
    private static uint? Long(CompoundFile file, CfbEntry storage, ushort id)
    {
        if (file.FindChild(storage, PropertiesStream) is not { } properties)
        {
            return null;
        }

        var bytes = file.ReadStream(properties, 64 * 1024);
        var tag = ((uint)id << 16) | 0x0003;
        for (var offset = 8; offset + 16 <= bytes.Length; offset += 16)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) == tag)
            {
                return BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8));
            }
        }

        return null;
    }
}
