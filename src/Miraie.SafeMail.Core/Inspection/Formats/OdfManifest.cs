using System.Xml;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// What an ODF package's <c>META-INF/manifest.xml</c> declares (ODF 1.2 part 3, 4): each part's media type, and which
/// parts carry <c>&lt;manifest:encryption-data&gt;</c> with which algorithm. Parsed with <see cref="XmlReader"/>,
/// DTDs prohibited, no resolver, bounded in size; anything that is not a well-formed manifest throws.
/// </summary>
internal sealed class OdfManifest
{
    private const string Namespace = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";

    private OdfManifest(Dictionary<string, string> mediaTypes, HashSet<string> encrypted, string? algorithm)
    {
        MediaTypes = mediaTypes;
        Encrypted = encrypted;
        Algorithm = algorithm;
    }

    /// <summary>Media type of every part the manifest lists, by full path.</summary>
    public IReadOnlyDictionary<string, string> MediaTypes { get; }

    /// <summary>Full paths of the parts declared encrypted.</summary>
    public IReadOnlySet<string> Encrypted { get; }

    /// <summary>The first encryption algorithm named (a URI such as <c>http://www.w3.org/2001/04/xmlenc#aes256-cbc</c>).</summary>
    public string? Algorithm { get; }

    /// <summary>The algorithm as people read it: <c>AES256-CBC</c>, <c>AES256-GCM</c>, <c>BLOWFISH</c>.</summary>
    public string AlgorithmName
    {
        get
        {
            var name = Algorithm is { Length: > 0 } a ? a[(a.LastIndexOf('#') + 1)..] : "";
            return name.Length is > 0 and <= 40 ? name.ToUpperInvariant() : "ODF";
        }
    }

    /// <summary>Parses <paramref name="xml"/>; throws <see cref="XmlException"/> or <see cref="InvalidDataException"/> when it is not a manifest.</summary>
    public static OdfManifest Parse(Stream xml, long maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(xml, settings);
        reader.MoveToContent();
        if (reader.LocalName != "manifest" || reader.NamespaceURI != Namespace)
        {
            throw new InvalidDataException("not an ODF manifest");
        }

        var mediaTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        var encrypted = new HashSet<string>(StringComparer.Ordinal);
        string? algorithm = null;
        string? entry = null;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != Namespace)
            {
                continue;
            }

            if (reader.Depth == 1)
            {
                // Only a file entry's own children describe it.
                entry = reader.LocalName == "file-entry"
                    ? reader.GetAttribute("full-path", Namespace) ?? throw new InvalidDataException("manifest file entry without a path")
                    : null;
                if (entry is not null)
                {
                    mediaTypes[entry] = reader.GetAttribute("media-type", Namespace) ?? "";
                }
            }
            else if (reader.LocalName == "encryption-data")
            {
                encrypted.Add(reader.Depth == 2 && entry is not null ? entry : throw new InvalidDataException("manifest encryption data outside a file entry"));
            }
            else if (reader.LocalName == "algorithm" && algorithm is null)
            {
                algorithm = reader.GetAttribute("algorithm-name", Namespace);
            }
        }

        return new OdfManifest(mediaTypes, encrypted, algorithm);
    }
}
