using System.Text.Json;
using System.Text.Json.Serialization;

namespace Miraie.SafeMail.Storage.Backup;

/// <summary>
/// <c>MANIFEST.json</c> of a backup: what it holds and how to check it. Every file with its size and SHA-256, so a
/// restore refuses a backup that was damaged or edited; the number of messages in each state, so the restored database
/// can be compared with what was backed up.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The manifest's file name inside a backup folder.</summary>
    public const string FileName = "MANIFEST.json";

    /// <summary>The format of this manifest; a restore refuses formats it does not know.</summary>
    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    /// <summary>When the database snapshot was taken (UTC).</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The data directory it was taken from.</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    /// <summary>The newest schema migration applied to the database when it was taken.</summary>
    [JsonPropertyName("schemaVersion")]
    public long SchemaVersion { get; init; }

    /// <summary>Messages per state in the snapshot (quarantined, queued, delivered, …).</summary>
    [JsonPropertyName("messages")]
    public IReadOnlyDictionary<string, long> Messages { get; init; } = new Dictionary<string, long>();

    /// <summary>Every file of the backup but the manifest, by path relative to the backup folder ('/'-separated).</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<BackupFile> Files { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The manifest as written to disk.</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a manifest; null when the bytes are not one.</summary>
    public static BackupManifest? Parse(byte[] utf8)
    {
        try
        {
            return JsonSerializer.Deserialize<BackupManifest>(utf8, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
