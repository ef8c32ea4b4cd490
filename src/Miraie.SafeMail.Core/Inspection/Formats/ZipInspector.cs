namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// ZIP archives: every file entry encrypted (ZipCrypto or WinZip AES) is protected; plain entries are expanded
/// and inspected in turn, so a plain ZIP holding only an encrypted ZIP is protected and one holding a plain file
/// is not. A ZIP holding <c>[Content_Types].xml</c> is an OOXML document: readable, and the files embedded in it
/// (<c>word/embeddings/</c>, <c>xl/embeddings/</c>, <c>ppt/embeddings/</c>: whole packages, OLE objects) are its items.
/// </summary>
internal static class ZipInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var directory = ZipDirectory.Read(stream, inspector.Limits.MaxEntries);
        var files = directory.Entries.Where(e => !e.IsDirectory).ToList();

        if (files.Any(e => e.Encryption == ZipEntryEncryption.None && e.Name.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase)))
        {
            // Only the embeddings are expanded: a document without them costs no more than its central directory.
            var embedded = files.Where(IsEmbedding).ToList();
            return embedded.Count == 0
                ? Assessment.Plain(FileKind.Ooxml)
                : Assessment.Document(FileKind.Ooxml, await ExpandAsync(directory, embedded, site, inspector, new ExpansionMeter(inspector.Context, content.Length)).ConfigureAwait(false));
        }

        var encrypted = files.Where(e => e.Encryption != ZipEntryEncryption.None).ToList();
        if (files.Count > 0 && encrypted.Count == files.Count)
        {
            var methods = string.Join(", ", encrypted.Select(e => MethodName(e.Encryption)).Distinct());
            var children = encrypted.Select(e => ContentInspector.EncryptedEntry(site.Child(e.Name), e.UncompressedSize, MethodName(e.Encryption))).ToList();
            return new Assessment(FileKind.Zip, ProtectionStatus.Protected, InspectionTexts.AllEntriesEncrypted(files.Count, methods))
            {
                Encryption = methods,
                Children = children,
            };
        }

        var nodes = await ExpandAsync(directory, files, site, inspector, new ExpansionMeter(inspector.Context, content.Length)).ConfigureAwait(false);
        var result = Assessment.Transparent(FileKind.Zip, nodes);
        var plain = files.Count - encrypted.Count;
        return encrypted.Count > 0 && result.Protection == ProtectionStatus.NotProtected
            ? result with { Detail = InspectionTexts.SomeEntriesPlain(plain, files.Count) }
            : result;
    }

    /// <summary>Inspects each entry as an item: encrypted ones as such, plain ones expanded (charging the limits).</summary>
    internal static async Task<List<AttachmentNode>> ExpandAsync(
        ZipDirectory directory, IReadOnlyList<ZipEntryInfo> entries, NodeSite site, ContentInspector inspector, ExpansionMeter meter)
    {
        var nodes = new List<AttachmentNode>(entries.Count);
        foreach (var entry in entries)
        {
            inspector.Context.ThrowIfExpired();
            var childSite = site.Child(entry.Name);
            nodes.Add(entry.Encryption != ZipEntryEncryption.None
                ? ContentInspector.EncryptedEntry(childSite, entry.UncompressedSize, MethodName(entry.Encryption))
                : await inspector.ExpandAsync(() => directory.OpenEntry(entry), childSite, entry.UncompressedSize, meter).ConfigureAwait(false));
        }

        return nodes;
    }

    /// <summary>A part under an <c>embeddings/</c> folder of an OOXML package (any application's: word, xl, ppt, visio …).</summary>
    private static bool IsEmbedding(ZipEntryInfo entry)
    {
        var slash = entry.Name.LastIndexOf('/');
        var folder = slash > 0 ? entry.Name.AsSpan(0, slash) : [];
        return folder.Equals("embeddings", StringComparison.OrdinalIgnoreCase) || folder.EndsWith("/embeddings", StringComparison.OrdinalIgnoreCase);
    }

    internal static string MethodName(ZipEntryEncryption encryption) => encryption switch
    {
        ZipEntryEncryption.Aes128 => "AES-128",
        ZipEntryEncryption.Aes192 => "AES-192",
        ZipEntryEncryption.Aes256 => "AES-256",
        ZipEntryEncryption.ZipCrypto => "ZipCrypto",
        ZipEntryEncryption.Strong => "PKWARE strong encryption",
        _ => "none",
    };
}
