using System.Text.Json.Serialization;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// One attachment, archive entry or part of an attached message in an inspection report. Containers
/// (archives, attached messages, TNEF) carry what they hold as <see cref="Children"/>.
/// </summary>
public sealed record AttachmentNode
{
    /// <summary>Separator between path segments, as shown to people: <c>見積.zip › data/顧客.xlsx</c>.</summary>
    public const string PathSeparator = " › ";

    /// <summary>The name as the sender sees it: the decoded MIME file name, or the entry's path inside its archive.</summary>
    public required string Name { get; init; }

    /// <summary>Where the node sits, outermost first; the last segment is <see cref="Name"/>.</summary>
    public required IReadOnlyList<string> PathSegments { get; init; }

    /// <summary>The path for people and reasons, segments joined by <see cref="PathSeparator"/>.</summary>
    public string Path => string.Join(PathSeparator, PathSegments);

    /// <summary>The MIME Content-Type the sender's program declared, when the node is a MIME part.</summary>
    public string? DeclaredType { get; init; }

    /// <summary>What the bytes are, by content.</summary>
    public required FileKind Kind { get; init; }

    /// <summary>Decoded size in bytes (for archive entries, the uncompressed size the archive states).</summary>
    public required long Size { get; init; }

    /// <summary>Whether the content needs a password to read.</summary>
    public required ProtectionStatus Protection { get; init; }

    /// <summary>Why the node has its protection status, in both languages.</summary>
    public required LocalizedText Detail { get; init; }

    /// <summary>Set when <see cref="Protection"/> is <see cref="ProtectionStatus.Unknown"/>.</summary>
    public UnknownReason? UnknownReason { get; init; }

    /// <summary>The encryption found, e.g. <c>aes-256</c>, <c>zipcrypto</c>, <c>pdf-r6-aes-256</c>, <c>ooxml-agile</c>.</summary>
    public string? Encryption { get; init; }

    /// <summary>Ways the name lies about the content.</summary>
    public Disguises Disguise { get; init; }

    /// <summary>SHA-256 of the decoded bytes (hex, lower case), for top-level attachments only.</summary>
    public string? Sha256 { get; init; }

    /// <summary>What a container holds, in archive or MIME order.</summary>
    public IReadOnlyList<AttachmentNode> Children { get; init; } = [];

    /// <summary>
    /// True for a document with content of its own besides the files carried inside it (a .docx with embedded objects,
    /// a PDF with attached files): its <see cref="Protection"/> is its own, and it is judged like a file without
    /// <see cref="Children"/>, while a plain container (zip, attached message) is judged only by what it holds.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool HoldsOwnContent { get; init; }

    /// <summary>This node and every node below it, depth first.</summary>
    [JsonIgnore]
    public IEnumerable<AttachmentNode> SelfAndDescendants
    {
        get
        {
            yield return this;
            foreach (var child in Children)
            {
                foreach (var node in child.SelfAndDescendants)
                {
                    yield return node;
                }
            }
        }
    }
}
