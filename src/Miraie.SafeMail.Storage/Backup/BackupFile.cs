using System.Text.Json.Serialization;

namespace Miraie.SafeMail.Storage.Backup;

/// <summary>One file of a backup.</summary>
/// <param name="Path">Relative to the backup folder and to the data directory, '/'-separated.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
public sealed record BackupFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256);
