using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// The JSON form of reports and verdicts: what <c>safemail check --json</c> prints and what hosts store with a
/// quarantined message. Kinds use their setting names (<c>7z</c>, <c>ooxml</c>), other enums kebab-case,
/// bilingual texts <c>{"ja": …, "en": …}</c>; Japanese is written as is, not as \u escapes.
/// </summary>
public static class ReportJson
{
    /// <summary>Serializer options shared by every host (indented, for people).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(indented: true);

    /// <summary>The same without indentation, for storage.</summary>
    public static JsonSerializerOptions CompactOptions { get; } = CreateOptions(indented: false);

    /// <summary>A report, optionally with its envelope and verdict, as one JSON document.</summary>
    public static string Serialize(InspectionReport report, Envelope? envelope = null, Verdict? verdict = null, bool indented = true) =>
        JsonSerializer.Serialize(new Document(report, envelope, verdict), indented ? Options : CompactOptions);

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            Encoder = JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new FileKindConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class Document(InspectionReport report, Envelope? envelope, Verdict? verdict)
    {
        public object Message { get; } = new { report.Subject, report.MessageId, Size = report.MessageSize, report.ConfirmationStamp };
        public Envelope? Envelope { get; } = envelope;
        public object? Verdict { get; } = verdict is null ? null : new
        {
            verdict.Action,
            verdict.ActionName,
            verdict.Rule,
            verdict.ExternalRecipients,
            verdict.Confirmation,
            ConfirmationText = ConfirmationTexts.Describe(verdict.Confirmation),
            verdict.Findings,
        };
        public IReadOnlyList<AttachmentNode> Attachments { get; } = report.Attachments;
        public IReadOnlyList<ExcludedPart> Excluded { get; } = report.Excluded;
        public IReadOnlyList<InspectionProblem> Problems { get; } = report.Problems;
        public double ElapsedMs { get; } = Math.Round(report.Elapsed.TotalMilliseconds, 1);
    }

    private sealed class FileKindConverter : JsonConverter<FileKind>
    {
        public override FileKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            FileKindNames.TryParse(reader.GetString(), out var kind) ? kind : throw new JsonException($"unknown kind '{reader.GetString()}'");

        public override void Write(Utf8JsonWriter writer, FileKind value, JsonSerializerOptions options) => writer.WriteStringValue(FileKindNames.Name(value));
    }
}
