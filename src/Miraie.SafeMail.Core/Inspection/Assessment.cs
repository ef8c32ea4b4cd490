using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>What a format reader concluded about some bytes; the dispatcher turns it into an <see cref="AttachmentNode"/>.</summary>
internal sealed record Assessment(FileKind Kind, ProtectionStatus Protection, LocalizedText Detail)
{
    public UnknownReason? UnknownReason { get; init; }
    public string? Encryption { get; init; }
    public IReadOnlyList<AttachmentNode> Children { get; init; } = [];

    /// <summary>See <see cref="AttachmentNode.HoldsOwnContent"/>.</summary>
    public bool HoldsOwnContent { get; init; }

    public static Assessment Plain(FileKind kind) => new(kind, ProtectionStatus.NotProtected, InspectionTexts.NotEncrypted);

    /// <summary>
    /// A readable document that carries files inside it (embedded objects, PDF attachments): not protected by its own
    /// content, whatever the items are; the items are inspected as children.
    /// </summary>
    public static Assessment Document(FileKind kind, IReadOnlyList<AttachmentNode> items, LocalizedText? detail = null) => items.Count == 0
        ? new(kind, ProtectionStatus.NotProtected, detail ?? InspectionTexts.NotEncrypted)
        : new(kind, ProtectionStatus.NotProtected, detail ?? InspectionTexts.DocumentWithItems(items.Count)) { Children = items, HoldsOwnContent = true };

    public static Assessment Unknown(FileKind kind, UnknownReason reason, InspectionLimits limits, string? detail = null) =>
        new(kind, ProtectionStatus.Unknown, InspectionTexts.Unknown(reason, limits, detail)) { UnknownReason = reason };

    /// <summary>
    /// A container that is not itself encrypted (plain zip, tar, gzip, attached message, TNEF): protected only when
    /// everything inside is. Not-protected outweighs unknown, which outweighs protected. An archive with no files holds
    /// nothing readable and is protected vacuously (Windows' "New > Compressed folder" makes such a 22-byte file).
    /// </summary>
    public static Assessment Transparent(FileKind kind, IReadOnlyList<AttachmentNode> children)
    {
        if (children.Count == 0)
        {
            return new Assessment(kind, ProtectionStatus.Protected, InspectionTexts.EmptyArchive) { Children = children };
        }

        if (children.Any(c => c.Protection == ProtectionStatus.NotProtected))
        {
            return new Assessment(kind, ProtectionStatus.NotProtected, InspectionTexts.ContainerNotProtected) { Children = children };
        }

        return children.Any(c => c.Protection == ProtectionStatus.Unknown)
            ? new Assessment(kind, ProtectionStatus.Unknown, InspectionTexts.ContainerUnknown) { Children = children }
            : new Assessment(kind, ProtectionStatus.Protected, InspectionTexts.ContainerProtected) { Children = children };
    }
}
