using System.Text.Json;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// What a release would let out, read from what the gateway stored when it quarantined the message (the verdict's
/// findings and the inspection tree): each attachment with its findings, and whether any of it is disguised or
/// executable — content only an admin may release, with a reason. Both stores are read, so a message is risky when
/// either says so; unreadable stored JSON counts as risky (fail closed).
/// </summary>
public static class ReleaseReview
{
    /// <summary>Finding label: 暗号化済み.</summary>
    public static LocalizedText Encrypted { get; } = new("暗号化済み", "encrypted");

    /// <summary>Finding label: 種類を判別できません.</summary>
    public static LocalizedText Unknown { get; } = new("種類を判別できません", "cannot be identified");

    /// <summary>Finding label: 偽装ファイル（拡張子偽装）.</summary>
    public static LocalizedText Disguised { get; } = new("偽装ファイル（拡張子偽装）", "disguised file");

    /// <summary>Finding label: 実行ファイル.</summary>
    public static LocalizedText Executable { get; } = new("実行ファイル", "executable file");

    /// <summary>The disguised or executable attachments by path (empty when there are none), from the stored findings and tree.</summary>
    public static IReadOnlyList<string> RiskyPaths(MessageRecord message)
    {
        var paths = new List<string>();
        try
        {
            var findings = JsonSerializer.Deserialize<List<Finding>>(message.FindingsJson, ReportJson.Options) ?? [];
            paths.AddRange(findings.Where(f => f.Code is "disguised" or "executable").Select(f => f.Path ?? "—"));
            paths.AddRange(Attachments(message).Where(a => a.Risky).Select(a => a.Path));
        }
        catch (JsonException)
        {
            paths.Add("?"); // what was stored cannot be read: nobody can tell what it holds
        }

        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every node of the stored attachment tree, depth first; empty when none was stored.</summary>
    public static IReadOnlyList<ReviewedAttachment> Attachments(MessageRecord message)
    {
        var list = new List<ReviewedAttachment>();
        if (message.InspectionJson is not { Length: > 0 } json)
        {
            return list;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array)
        {
            Walk(attachments, 0, list);
        }

        return list;
    }

    private static void Walk(JsonElement nodes, int depth, List<ReviewedAttachment> list)
    {
        foreach (var node in nodes.EnumerateArray())
        {
            var kindName = String(node, "kind");
            var kind = FileKindNames.TryParse(kindName, out var parsed) ? parsed : FileKind.Unknown;
            var protection = String(node, "protection");
            var disguise = String(node, "disguise");
            var children = node.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
            var hasChildren = children.ValueKind == JsonValueKind.Array && children.GetArrayLength() > 0;
            var ownContent = node.TryGetProperty("holdsOwnContent", out var own) && own.ValueKind == JsonValueKind.True;
            var findings = new List<LocalizedText>();
            var disguised = disguise is { Length: > 0 } && disguise != "none";
            var executable = kind == FileKind.Executable;
            if (disguised)
            {
                findings.Add(Disguised);
            }

            if (executable)
            {
                findings.Add(Executable);
            }

            switch (protection)
            {
                case "protected":
                    findings.Add(Encrypted);
                    break;
                case "unknown":
                    findings.Add(Unknown);
                    break;
                case "not-protected" when !hasChildren || ownContent:
                    findings.Add(InspectionTexts.NotEncrypted);
                    break;
            }

            var size = node.TryGetProperty("size", out var s) && s.TryGetInt64(out var bytes) ? bytes : (long?)null;
            list.Add(new ReviewedAttachment(String(node, "path") ?? String(node, "name") ?? "?", depth, InspectionTexts.KindName(kind), size, findings,
                disguised || executable));
            if (hasChildren)
            {
                Walk(children, depth + 1, list);
            }
        }
    }

    private static string? String(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
