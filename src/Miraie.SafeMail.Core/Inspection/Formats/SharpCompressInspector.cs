using SharpCompress.Archives;
using SharpCompress.Readers;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// 7z and RAR (4 and 5) through SharpCompress: encrypted file data, or encrypted headers (which SharpCompress
/// cannot even list without the password), is protected. Plain entries are expanded and inspected like ZIP entries.
/// </summary>
internal static class SharpCompressInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, SniffResult sniff, ContentInspector inspector)
    {
        var kind = sniff.Kind;
        using var stream = content.OpenRead();
        if (EncryptedHeaders.Present(stream, kind))
        {
            return new Assessment(kind, ProtectionStatus.Protected, InspectionTexts.HeadersEncrypted(sniff.Format))
            {
                Encryption = kind == FileKind.SevenZip ? "7z AES-256" : $"{sniff.Format} AES",
            };
        }

        stream.Position = 0;
        var archive = ArchiveFactory.OpenArchive(stream, new ReaderOptions { LeaveStreamOpen = true });
        using (archive)
        {
            var files = archive.Entries.Where(e => !e.IsDirectory).Take(inspector.Limits.MaxEntries + 1).ToList();
            if (files.Count > inspector.Limits.MaxEntries)
            {
                throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {inspector.Limits.MaxEntries} entries");
            }

            var method = kind == FileKind.SevenZip ? "7z AES-256" : $"{sniff.Format} AES";
            var encrypted = files.Count(e => e.IsEncrypted);
            if (files.Count > 0 && encrypted == files.Count)
            {
                var children = files.Select(e => ContentInspector.EncryptedEntry(site.Child(e.Key ?? "?"), e.Size, method)).ToList();
                return new Assessment(kind, ProtectionStatus.Protected, InspectionTexts.AllEntriesEncrypted(files.Count, method))
                {
                    Encryption = method,
                    Children = children,
                };
            }

            var meter = new ExpansionMeter(inspector.Context, content.Length);
            var nodes = new List<AttachmentNode>(files.Count);
            foreach (var entry in files)
            {
                inspector.Context.ThrowIfExpired();
                var childSite = site.Child(entry.Key ?? "?");
                nodes.Add(entry.IsEncrypted
                    ? ContentInspector.EncryptedEntry(childSite, entry.Size, method)
                    : await inspector.ExpandAsync(entry.OpenEntryStream, childSite, entry.Size, meter).ConfigureAwait(false));
            }

            var result = Assessment.Transparent(kind, nodes);
            return encrypted > 0 && result.Protection == ProtectionStatus.NotProtected
                ? result with { Detail = InspectionTexts.SomeEntriesPlain(files.Count - encrypted, files.Count) }
                : result;
        }
    }
}
