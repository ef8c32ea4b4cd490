using System.Collections.Frozen;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// OpenDocument packages (.odt, .ods, .odp …). "Save with password" encrypts every part but the package's own metadata
/// and declares each in <c>META-INF/manifest.xml</c> with <c>&lt;manifest:encryption-data&gt;</c>; ODF 1.4's "wholesome"
/// encryption declares a single <c>encrypted-package</c> part the same way. So a package is protected when every part
/// but <see cref="PackageMetadata"/> is declared encrypted and none of them reads as plain XML or a known format (a
/// manifest that claims encryption the bytes do not have is unknown, never protected); a package with no part declared
/// encrypted is a readable document, whose embedded OLE objects are inspected as items; one with some parts plain is
/// not protected (anyone can unzip those); a missing or broken manifest is unknown (corrupt).
/// </summary>
internal static class OdfInspector
{
    private const string ManifestPath = "META-INF/manifest.xml";
    private const string OleObjectType = "application/vnd.sun.star.oleobject";
    private const int MaxManifestBytes = 16 * 1024 * 1024;
    private const int ProbeBytes = 64;

    /// <summary>Parts that describe the package rather than hold its content; ODF never encrypts them.</summary>
    private static readonly FrozenSet<string> PackageMetadata = new[]
    {
        "mimetype", ManifestPath, "META-INF/documentsignatures.xml", "META-INF/macrosignatures.xml", "META-INF/packagesignatures.xml",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var directory = ZipDirectory.Read(stream, inspector.Limits.MaxEntries);
        var files = directory.Entries.Where(e => !e.IsDirectory).ToList();
        if (files.Any(e => e.Encryption != ZipEntryEncryption.None))
        {
            // ZIP encryption is not how ODF encrypts: judge it as the archive it then is.
            return await ZipInspector.AssessAsync(content, site, inspector).ConfigureAwait(false);
        }

        var meter = new ExpansionMeter(inspector.Context, content.Length);
        var manifest = await ReadManifestAsync(directory, files, inspector, meter).ConfigureAwait(false);
        var parts = files.Where(e => !PackageMetadata.Contains(e.Name)).ToList();
        var declared = parts.Where(e => manifest.Encrypted.Contains(e.Name)).ToList();
        if (declared.Count == 0)
        {
            var objects = parts.Where(e => manifest.MediaTypes.TryGetValue(e.Name, out var type) && type == OleObjectType).ToList();
            return objects.Count == 0
                ? Assessment.Plain(FileKind.Odf)
                : Assessment.Document(FileKind.Odf, await ZipInspector.ExpandAsync(directory, objects, site, inspector, meter).ConfigureAwait(false));
        }

        var plain = parts.Where(e => !manifest.Encrypted.Contains(e.Name)).ToList();
        if (plain.Count > 0)
        {
            return new Assessment(FileKind.Odf, ProtectionStatus.NotProtected, InspectionTexts.OdfPartsNotEncrypted(plain.Count, parts.Count, plain[0].Name));
        }

        foreach (var part in declared)
        {
            inspector.Context.ThrowIfExpired();
            if (await LooksReadableAsync(directory, part, inspector, meter).ConfigureAwait(false))
            {
                return new Assessment(FileKind.Odf, ProtectionStatus.Unknown, InspectionTexts.OdfEncryptionClaimed(part.Name)) { UnknownReason = UnknownReason.Corrupt };
            }
        }

        var method = manifest.AlgorithmName;
        return new Assessment(FileKind.Odf, ProtectionStatus.Protected, InspectionTexts.OdfEncrypted(method)) { Encryption = "odf-" + method.ToLowerInvariant() };
    }

    private static async Task<OdfManifest> ReadManifestAsync(ZipDirectory directory, List<ZipEntryInfo> files, ContentInspector inspector, ExpansionMeter meter)
    {
        var entry = files.FirstOrDefault(e => e.Name == ManifestPath) ?? throw new InvalidDataException("ODF manifest missing");
        if (entry.UncompressedSize > MaxManifestBytes)
        {
            throw new InspectionLimitException(UnknownReason.LimitSize, "ODF manifest too large");
        }

        using var bytes = await inspector.CopyChargedAsync(() => directory.OpenEntry(entry), meter).ConfigureAwait(false);
        using var xml = bytes.OpenRead();
        return OdfManifest.Parse(xml, MaxManifestBytes);
    }

    /// <summary>
    /// Whether a part declared encrypted is in fact plain: an XML declaration, or the magic number of a picture, an
    /// archive, a PDF or an OLE object. Ciphertext matches none of these (the shortest, JPEG's, is three bytes).
    /// </summary>
    private static async Task<bool> LooksReadableAsync(ZipDirectory directory, ZipEntryInfo part, ContentInspector inspector, ExpansionMeter meter)
    {
        var head = new byte[ProbeBytes];
        int read;
        await using (var data = directory.OpenEntry(part))
        {
            read = await data.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, inspector.Context.Token).ConfigureAwait(false);
        }

        inspector.Context.ChargeExpansion(read);
        meter.Add(read);
        var span = head.AsSpan(0, read);
        var text = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? span[3..] : span;
        return text.StartsWith("<?xml"u8)
            || KindSniffer.Sniff(span, part.UncompressedSize).Kind is FileKind.Image or FileKind.Cfb or FileKind.Zip or FileKind.Odf or FileKind.Pdf;
    }
}
