using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Tests.Policy;

/// <summary>Builds inspection reports by hand, so policy tests state exactly what the inspector found.</summary>
internal static class Reports
{
    public static InspectionReport With(params AttachmentNode[] attachments) => new()
    {
        Attachments = attachments,
        Excluded = [],
        Problems = [],
        MessageSize = 10_000,
    };

    public static AttachmentNode Leaf(string name, FileKind kind, ProtectionStatus protection, UnknownReason? reason = null, string[]? parents = null) => new()
    {
        Name = name,
        PathSegments = [.. parents ?? [], name],
        Kind = kind,
        Size = 1234,
        Protection = protection,
        Detail = new LocalizedText("詳細", "detail"),
        UnknownReason = reason,
        Disguise = DisguiseDetector.Detect(name, kind),
    };

    public static AttachmentNode Container(string name, FileKind kind, ProtectionStatus protection, params AttachmentNode[] children) => new()
    {
        Name = name,
        PathSegments = [name],
        Kind = kind,
        Size = 5678,
        Protection = protection,
        Detail = new LocalizedText("詳細", "detail"),
        Children = children,
    };
}
