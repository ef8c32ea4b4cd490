using UglyToad.PdfPig;
using UglyToad.PdfPig.Exceptions;
using UglyToad.PdfPig.Tokens;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// PDF: protected only when a user password is needed to open it. An owner (permissions) password alone does not
/// protect anything — every viewer opens the file. PdfPig decides whether opening needs a password (it implements
/// the standard security handler R2–R6); a handler other than <c>/Standard</c> is unknown, never protected.
/// A PDF that opens without a password is readable, and the files it carries (<see cref="PdfAttachments"/>) are its
/// items, read (decrypted with the empty user password when only an owner password is set) and inspected in turn.
/// </summary>
internal static class PdfInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        using var stream = content.OpenRead();
        var limits = inspector.Limits;
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(stream, new ParsingOptions { UseLenientParsing = true });
        }
        catch (Exception e) when (e is not PdfDocumentEncryptedException && PdfEncryptionScanner.Describe(stream) is { Filter: not "Standard" } other)
        {
            // PdfPig fails outright on public-key (/Adobe.PubSec) and other handlers: name the handler instead of "corrupt".
            return Assessment.Unknown(FileKind.Pdf, UnknownReason.Unsupported, limits, $"/Filter /{other.Filter}");
        }
        catch (PdfDocumentEncryptedException)
        {
            var described = PdfEncryptionScanner.Describe(stream);
            if (described is { Filter: not "Standard" })
            {
                return Assessment.Unknown(FileKind.Pdf, UnknownReason.Unsupported, limits, $"/Filter /{described.Filter}");
            }

            var algorithm = described?.Algorithm ?? "standard security handler";
            return new Assessment(FileKind.Pdf, ProtectionStatus.Protected, InspectionTexts.PdfUserPassword(algorithm)) { Encryption = algorithm };
        }

        using (document)
        {
            if (!document.IsEncrypted)
            {
                return Assessment.Document(FileKind.Pdf, await ItemsAsync(document, content, site, inspector).ConfigureAwait(false));
            }

            var filter = EncryptFilter(document);
            if (filter != "Standard")
            {
                return Assessment.Unknown(FileKind.Pdf, UnknownReason.Unsupported, limits, $"/Filter /{filter ?? "?"}");
            }

            var algorithm = PdfEncryptionScanner.Describe(stream)?.Algorithm ?? "standard security handler";
            var items = await ItemsAsync(document, content, site, inspector).ConfigureAwait(false);
            return Assessment.Document(FileKind.Pdf, items, InspectionTexts.PdfOwnerOnly) with { Encryption = algorithm };
        }
    }

    /// <summary>The files the PDF carries, each inspected as an item (nothing is decoded when there are none).</summary>
    private static async Task<List<AttachmentNode>> ItemsAsync(PdfDocument document, ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        var found = PdfAttachments.Find(document, inspector.Limits.MaxEntries, inspector.Context.ThrowIfExpired);
        var nodes = new List<AttachmentNode>(found.Count);
        if (found.Count == 0)
        {
            return nodes;
        }

        var meter = new ExpansionMeter(inspector.Context, content.Length);
        foreach (var item in found)
        {
            inspector.Context.ThrowIfExpired();
            nodes.Add(await inspector.ExpandAsync(() => PdfAttachments.Open(item.Stream), site.Child(item.Name), item.StatedSize, meter).ConfigureAwait(false));
        }

        return nodes;
    }

    private static string? EncryptFilter(PdfDocument document)
    {
        var token = document.Structure.Trailer.EncryptionToken;
        if (token is IndirectReferenceToken reference)
        {
            token = document.Structure.GetObject(reference.Data).Data;
        }

        return token is DictionaryToken dictionary && dictionary.TryGet(NameToken.Filter, out var filter) && filter is NameToken name
            ? name.Data
            : null;
    }
}
