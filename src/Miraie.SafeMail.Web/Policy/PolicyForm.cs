using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Web.Policy;

/// <summary>
/// The policy editor's fields: internal domains one per line, allowed kinds as checkboxes, limits as numbers, and the
/// rules as JSON in the settings file's shape (a rule has too many optional parts for a usable fixed form). Put
/// together they are one policy JSON, checked by <see cref="PolicyJson.Parse"/> so problems are named by key.
/// </summary>
public sealed class PolicyForm
{
    /// <summary>Internal domains, one per line.</summary>
    public string Domains { get; set; } = "";

    /// <summary>Recipient domains whose gateway-made archives use ZipCrypto, one per line.</summary>
    public string ZipCryptoDomains { get; set; } = "";

    /// <summary>How domains not listed receive files (Zip, Link, Plain, Block).</summary>
    public string FileDeliveryDefault { get; set; } = nameof(FileDeliveryMode.Zip);

    /// <summary>One domain per line with its mode: <c>customer.example.com = Link</c>.</summary>
    public string FileDeliveryDomains { get; set; } = "";

    /// <summary>Kinds allowed unprotected.</summary>
    public List<string> AllowedKinds { get; set; } = [];

    /// <summary>Archive depth limit.</summary>
    public int MaxDepth { get; set; }

    /// <summary>Entries limit.</summary>
    public int MaxEntries { get; set; }

    /// <summary>Expanded bytes limit.</summary>
    public long MaxExpandedBytes { get; set; }

    /// <summary>Expansion ratio limit.</summary>
    public int MaxExpansionRatio { get; set; }

    /// <summary>Bytes below which the ratio is not checked.</summary>
    public long RatioFloorBytes { get; set; }

    /// <summary>Inspection time limit in seconds.</summary>
    public double TimeoutSeconds { get; set; }

    /// <summary>The rules array as JSON.</summary>
    public string Rules { get; set; } = "[]";

    /// <summary>Why the admin changes it (kept in the history).</summary>
    public string? Comment { get; set; }

    /// <summary>Every kind the policy knows, in the specification's order ("unknown", which is never allowed, left out).</summary>
    public static IReadOnlyList<string> Kinds { get; } = FileKindNames.All.Where(k => k != FileKindNames.Name(FileKind.Unknown)).ToArray();

    /// <summary>The form showing <paramref name="policy"/>.</summary>
    public static PolicyForm From(PolicyOptions policy)
    {
        var json = JsonNode.Parse(PolicyJson.Serialize(policy))!;
        return new PolicyForm
        {
            Domains = string.Join('\n', policy.InternalDomains),
            ZipCryptoDomains = string.Join('\n', policy.ZipCryptoDomains),
            FileDeliveryDefault = policy.FileDelivery.Default.ToString(),
            FileDeliveryDomains = string.Join('\n', policy.FileDelivery.Domains.Select(d => $"{d.Domain} = {d.Mode}")),
            AllowedKinds = [.. policy.AllowedUnprotectedKinds],
            MaxDepth = policy.Limits.MaxDepth,
            MaxEntries = policy.Limits.MaxEntries,
            MaxExpandedBytes = policy.Limits.MaxExpandedBytes,
            MaxExpansionRatio = policy.Limits.MaxExpansionRatio,
            RatioFloorBytes = policy.Limits.RatioFloorBytes,
            TimeoutSeconds = policy.Limits.Timeout.TotalSeconds,
            Rules = json[nameof(PolicyOptions.Rules)]!.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                IndentSize = 2,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }),
        };
    }

    /// <summary>The whole policy as JSON. Broken rules JSON is passed through as text so the parser names the line.</summary>
    public string ToJson()
    {
        var domains = (Domains ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var zipCrypto = (ZipCryptoDomains ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var head = new JsonObject
        {
            ["InternalDomains"] = new JsonArray([.. domains.Select(d => (JsonNode)d)]),
            [nameof(PolicyOptions.ZipCryptoDomains)] = new JsonArray([.. zipCrypto.Select(d => (JsonNode)d)]),
            [nameof(PolicyOptions.FileDelivery)] = new JsonObject
            {
                [nameof(FileDeliveryOptions.Default)] = (FileDeliveryDefault ?? nameof(FileDeliveryMode.Zip)).Trim(), // an empty field binds as null
                [nameof(FileDeliveryOptions.Domains)] = new JsonArray([.. (FileDeliveryDomains ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split('=', 2, StringSplitOptions.TrimEntries))
                    .Select(parts => (JsonNode)new JsonObject
                    {
                        [nameof(DomainFileDelivery.Domain)] = parts[0],
                        [nameof(DomainFileDelivery.Mode)] = parts.Length == 2 ? parts[1] : "",
                    })]),
            },
            ["AllowedUnprotectedKinds"] = new JsonArray([.. AllowedKinds.Select(k => (JsonNode)k)]),
            ["Limits"] = new JsonObject
            {
                [nameof(InspectionLimits.MaxDepth)] = MaxDepth,
                [nameof(InspectionLimits.MaxEntries)] = MaxEntries,
                [nameof(InspectionLimits.MaxExpandedBytes)] = MaxExpandedBytes,
                [nameof(InspectionLimits.MaxExpansionRatio)] = MaxExpansionRatio,
                [nameof(InspectionLimits.RatioFloorBytes)] = RatioFloorBytes,
                ["Timeout"] = TimeSpan.FromSeconds(Math.Clamp(TimeoutSeconds, 0, 86_400)).ToString("c", CultureInfo.InvariantCulture),
            },
        }.ToJsonString();
        return head[..^1] + ",\"Rules\":" + (string.IsNullOrWhiteSpace(Rules) ? "[]" : Rules) + "}";
    }
}
