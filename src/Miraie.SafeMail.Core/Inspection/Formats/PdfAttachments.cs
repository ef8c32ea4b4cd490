using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Files a PDF carries (ISO 32000-1 7.11.4, 12.5.6.15): the catalog's <c>/Names /EmbeddedFiles</c> name tree and
/// <c>/FileAttachment</c> annotations on the pages, each a file specification whose <c>/EF</c> stream holds the file.
/// Found by walking PdfPig's objects (its <c>TryGetEmbeddedFiles</c> decodes every file in full before anyone can
/// count the bytes, and does not see annotations); the same stream listed twice is one item. Bounded: tree depth,
/// page-tree nodes, item count; every stream is decoded here as it is copied, so the expansion budget applies.
/// </summary>
internal static class PdfAttachments
{
    private const int MaxDepth = 32;
    private const int MaxPageNodes = 100_000;

    /// <summary>One carried file: its name and the stream that holds it.</summary>
    public sealed record Item(string Name, StreamToken Stream)
    {
        /// <summary>The size /Params /Size states, or 0.</summary>
        public long StatedSize => Stream.StreamDictionary.TryGet(NameToken.Create("Params"), out var p) && p is DictionaryToken d
            && d.TryGet(NameToken.Size, out var s) && s is NumericToken n ? n.Long : 0;
    }

    /// <summary>Finds the carried files; <paramref name="checkTime"/> runs at each tree node (it throws when time is up).</summary>
    public static List<Item> Find(PdfDocument document, int maxItems, Action checkTime)
    {
        var finder = new Finder(document.Structure, maxItems, checkTime);
        var catalog = document.Structure.Catalog.CatalogDictionary;
        if (finder.Dictionary(catalog, "Names") is { } names && finder.Dictionary(names, "EmbeddedFiles") is { } tree)
        {
            finder.NameTree(tree, 0);
        }

        if (finder.Dictionary(catalog, "Pages") is { } pages)
        {
            finder.Pages(pages, 0);
        }

        return finder.Items;
    }

    /// <summary>
    /// Opens the decoded bytes of <paramref name="stream"/>: unfiltered or FlateDecode (what every PDF writer uses for
    /// attachments). Any other filter is <see cref="NotSupportedException"/>, which makes the item unknown.
    /// </summary>
    public static Stream Open(StreamToken stream)
    {
        var raw = MemoryMarshal.TryGetArray<byte>(stream.Data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(stream.Data.ToArray(), writable: false);
        var filter = stream.StreamDictionary.TryGet(NameToken.Filter, out var f) ? f : null;
        var names = filter switch
        {
            null => [],
            NameToken name => [name.Data],
            ArrayToken array => array.Data.Select(t => (t as NameToken)?.Data ?? "?").ToArray(),
            _ => ["?"],
        };
        var predictor = stream.StreamDictionary.TryGet(NameToken.DecodeParms, out var parms) && parms is DictionaryToken d
            && d.TryGet(NameToken.Predictor, out var p) && p is NumericToken n ? n.Int : 1;
        return names switch
        {
            [] => raw,
            ["FlateDecode" or "Fl"] when predictor <= 1 => new ZLibStream(raw, CompressionMode.Decompress),
            _ => throw new NotSupportedException($"PDF filter /{string.Join(" /", names)}"),
        };
    }

    private sealed class Finder(Structure structure, int maxItems, Action checkTime)
    {
        private readonly HashSet<IndirectReference> _streams = [];
        private readonly HashSet<IndirectReference> _nodes = [];

        public List<Item> Items { get; } = [];

        public DictionaryToken? Dictionary(DictionaryToken owner, string key) =>
            owner.TryGet(NameToken.Create(key), out var token) ? Resolve(token) as DictionaryToken : null;

        public void NameTree(DictionaryToken node, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new InspectionLimitException(UnknownReason.LimitDepth, "PDF name tree too deep");
            }

            if (Resolve(Get(node, "Names")) is ArrayToken pairs)
            {
                for (var i = 0; i + 1 < pairs.Length; i += 2)
                {
                    FileSpecification(Resolve(pairs[i + 1]), Text(Resolve(pairs[i])));
                }
            }

            if (Resolve(Get(node, "Kids")) is ArrayToken kids)
            {
                foreach (var kid in kids.Data)
                {
                    if (Visit(kid) && Resolve(kid) is DictionaryToken child)
                    {
                        NameTree(child, depth + 1);
                    }
                }
            }
        }

        public void Pages(DictionaryToken node, int depth)
        {
            if (depth > MaxDepth * 2)
            {
                throw new InspectionLimitException(UnknownReason.LimitDepth, "PDF page tree too deep");
            }

            if (Resolve(Get(node, "Annots")) is ArrayToken annotations)
            {
                foreach (var annotation in annotations.Data.Select(Resolve).OfType<DictionaryToken>())
                {
                    if (Resolve(Get(annotation, "Subtype")) is NameToken { Data: "FileAttachment" })
                    {
                        FileSpecification(Resolve(Get(annotation, "FS")), Text(Resolve(Get(annotation, "Contents"))));
                    }
                }
            }

            if (Resolve(Get(node, "Kids")) is ArrayToken kids)
            {
                foreach (var kid in kids.Data)
                {
                    if (Visit(kid) && Resolve(kid) is DictionaryToken child)
                    {
                        Pages(child, depth + 1);
                    }
                }
            }
        }

        private void FileSpecification(IToken? token, string? fallbackName)
        {
            if (token is not DictionaryToken spec || Resolve(Get(spec, "EF")) is not DictionaryToken ef)
            {
                return; // a reference to a file outside the PDF: nothing is carried
            }

            var reference = Get(ef, "UF") ?? Get(ef, "F");
            if (reference is IndirectReferenceToken indirect && !_streams.Add(indirect.Data))
            {
                return;
            }

            if (Resolve(reference) is not StreamToken stream)
            {
                return;
            }

            if (Items.Count >= maxItems)
            {
                throw new InspectionLimitException(UnknownReason.LimitEntries, $"more than {maxItems} files in the PDF");
            }

            var name = Text(Resolve(Get(spec, "UF"))) ?? Text(Resolve(Get(spec, "F"))) ?? fallbackName;
            Items.Add(new Item(string.IsNullOrWhiteSpace(name) ? $"(attachment #{Items.Count + 1})" : name, stream));
        }

        private bool Visit(IToken token)
        {
            checkTime();
            if (token is not IndirectReferenceToken reference)
            {
                return true;
            }

            if (_nodes.Count >= MaxPageNodes)
            {
                throw new InspectionLimitException(UnknownReason.LimitEntries, "PDF page tree too large");
            }

            return _nodes.Add(reference.Data);
        }

        private static IToken? Get(DictionaryToken dictionary, string key) => dictionary.TryGet(NameToken.Create(key), out var token) ? token : null;

        /// <summary>The object a reference points to; a dangling reference (no such object) resolves to nothing, as viewers do.</summary>
        private IToken? Resolve(IToken? token)
        {
            for (var hops = 0; token is IndirectReferenceToken reference && hops < 8; hops++)
            {
                try
                {
                    token = structure.GetObject(reference.Data)?.Data;
                }
                catch (Exception e) when (e is not OperationCanceledException and not InspectionLimitException)
                {
                    return null;
                }
            }

            return token is IndirectReferenceToken ? null : token;
        }

        /// <summary>A PDF text string: UTF-16BE or UTF-8 with a byte-order mark, otherwise PDFDocEncoding (as Latin-1).</summary>
        private static string? Text(IToken? token) => token switch
        {
            StringToken s => s.Data,
            HexToken h => Decode(h.Bytes.ToArray()),
            _ => null,
        };

        private static string Decode(byte[] bytes) => bytes switch
        {
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2),
            [0xEF, 0xBB, 0xBF, ..] => Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3),
            _ => Encoding.Latin1.GetString(bytes),
        };
    }
}
