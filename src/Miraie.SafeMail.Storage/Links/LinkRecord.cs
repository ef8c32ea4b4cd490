namespace Miraie.SafeMail.Storage.Links;

/// <summary>A download link (action Link): one message's attachments offered to its recipients until it expires or is revoked.</summary>
public sealed record LinkRecord
{
    /// <summary>The id in the link's address (22 characters of base64url, 128 random bits).</summary>
    public required string Id { get; init; }

    /// <summary>The message the files came from.</summary>
    public required string MessageId { get; init; }

    /// <summary>The message's sender (envelope), lower case: who may revoke it and who is told of the first download.</summary>
    public required string Sender { get; init; }

    /// <summary>When the link was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this the page refuses it and retention deletes its files.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was revoked (by its sender or an operator), or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Who revoked it.</summary>
    public string? RevokedBy { get; init; }

    /// <summary>When a recipient first downloaded a file, or null.</summary>
    public DateTimeOffset? FirstDownloadAt { get; init; }

    /// <summary>When retention deleted its files, or null.</summary>
    public DateTimeOffset? PurgedAt { get; init; }

    /// <summary>The files' total size.</summary>
    public long TotalBytes { get; init; }

    /// <summary>The files, in the message's order.</summary>
    public IReadOnlyList<LinkFile> Files { get; init; } = [];

    /// <summary>The addresses that may ask for a code (the message's envelope recipients), lower case.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>Whether the page may offer the files now.</summary>
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && PurgedAt is null && now < ExpiresAt;
}
