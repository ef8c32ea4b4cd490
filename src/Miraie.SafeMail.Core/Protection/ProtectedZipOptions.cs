namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Settings of <see cref="ProtectedZipWriter"/>. Bound from configuration (section <c>SafeMail:Protection:Zip</c>
/// by convention); <see cref="Validate"/> names the offending key so that a bad setting stops start-up clearly.
/// </summary>
public sealed record ProtectedZipOptions
{
    /// <summary>Lowest deflate level accepted by <see cref="CompressionLevel"/>.</summary>
    public const int MinimumCompressionLevel = 1;

    /// <summary>Highest deflate level accepted by <see cref="CompressionLevel"/>.</summary>
    public const int MaximumCompressionLevel = 9;

    /// <summary>
    /// Encryption of every entry. AES-256 unless the policy asks for ZipCrypto for recipients who can only use
    /// Windows Explorer.
    /// </summary>
    public ZipEncryption Encryption { get; init; } = ZipEncryption.Aes256;

    /// <summary>
    /// Deflate level (1 fastest … 9 smallest) for content that compresses. Content that does not (already
    /// compressed formats, random or encrypted data) is stored whatever this says. 6 is zlib's usual balance and
    /// keeps the writer faster than 7-Zip on text (docs/benchmarks.md).
    /// </summary>
    public int CompressionLevel { get; init; } = 6;

    /// <summary>
    /// Time zone of the entries' MS-DOS timestamps, which have no zone and are shown by Windows Explorer as they
    /// are. <c>null</c> uses the server's local zone; set <c>Asia/Tokyo</c> on a UTC server whose recipients
    /// are in Japan. (A UTC timestamp is written as well, for 7-Zip and Info-ZIP.)
    /// </summary>
    public string? TimeZoneId { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Encryption))
        {
            throw new ArgumentException(
                $"SafeMail:Protection:Zip:{nameof(Encryption)} must be Aes256 or ZipCrypto, not '{Encryption}'.", nameof(Encryption));
        }

        if (CompressionLevel is < MinimumCompressionLevel or > MaximumCompressionLevel)
        {
            throw new ArgumentException(
                $"SafeMail:Protection:Zip:{nameof(CompressionLevel)} must be between {MinimumCompressionLevel} and {MaximumCompressionLevel}, not {CompressionLevel}.",
                nameof(CompressionLevel));
        }

        if (TimeZoneId is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZoneId, out _))
        {
            throw new ArgumentException(
                $"SafeMail:Protection:Zip:{nameof(TimeZoneId)} '{TimeZoneId}' is not a time zone known to this machine.", nameof(TimeZoneId));
        }
    }
}
