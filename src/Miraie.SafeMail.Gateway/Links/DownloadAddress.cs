using Microsoft.Extensions.Options;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>The address links point at: <see cref="DownloadOptions.PublicUrl"/>, else the address this node's download page listens on.</summary>
public sealed class DownloadAddress(IOptions<DownloadOptions> options)
{
    /// <summary>The listener's real address once started (the port chosen when configured with 0), set by <see cref="DownloadServer"/>.</summary>
    public string? Bound { get; set; }

    /// <summary>The base address, without a trailing slash.</summary>
    public string Base => (options.Value.PublicUrl is { Length: > 0 } url ? url.Trim()
        : Bound ?? options.Value.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "http://127.0.0.1:9480").TrimEnd('/');

    /// <summary>The page of one link.</summary>
    public string Of(string linkId) => $"{Base}/d/{linkId}";
}
