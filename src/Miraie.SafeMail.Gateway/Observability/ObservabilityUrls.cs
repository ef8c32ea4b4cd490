using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// Reads and checks <see cref="ObservabilityOptions.Urls"/>: plain <c>http://</c>, an IP address or <c>localhost</c>, a
/// port, no path; loopback only unless <see cref="ObservabilityOptions.AllowRemote"/>. Each problem is one line naming the key.
/// </summary>
public sealed class ObservabilityUrls : IValidateOptions<ObservabilityOptions>
{
    private const string Key = ObservabilityOptions.SectionName + ":Urls";

    /// <summary>One address to listen on.</summary>
    /// <param name="Address">The IP address; <see cref="IPAddress.Loopback"/> for <c>localhost</c> (see <paramref name="Localhost"/>).</param>
    /// <param name="Port">The port (0: chosen by the system, for tests).</param>
    /// <param name="Localhost">Written as <c>localhost</c>: both loopback addresses (IPv4 and IPv6).</param>
    public sealed record Endpoint(IPAddress Address, int Port, bool Localhost);

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        var (_, problems) = Parse(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The addresses to listen on (none: off) and the problems with them.</summary>
    public static (IReadOnlyList<Endpoint> Endpoints, IReadOnlyList<string> Problems) Parse(ObservabilityOptions options) =>
        Parse(options.Urls, options.AllowRemote, Key, (url, key) => PolicyTexts.Invalid(key,
            $"「{url}」はこのコンピューターの外から読めるアドレスです。メトリクスとヘルスチェックはサインインなしで応答するため、ネットワークに公開するときは " +
            $"{ObservabilityOptions.SectionName}:AllowRemote を true にしてください（Prometheus 以外からはファイアウォールで遮断してください）",
            $"'{url}' can be reached from other machines, and metrics and health answer without sign-in: to publish them on the network set " +
            $"{ObservabilityOptions.SectionName}:AllowRemote to true (and firewall the port to Prometheus)"));

    /// <summary>
    /// Any listener's <c>Urls</c> setting (<paramref name="key"/>): the addresses and the problems; an address beyond
    /// loopback without <paramref name="allowRemote"/> is refused with <paramref name="remote"/>'s line.
    /// </summary>
    public static (IReadOnlyList<Endpoint> Endpoints, IReadOnlyList<string> Problems) Parse(string urls, bool allowRemote, string key, Func<string, string, string> remote)
    {
        var endpoints = new List<Endpoint>();
        var problems = new List<string>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/" || uri.Query.Length > 0
                || uri.UserInfo.Length > 0 || !HasPort(url))
            {
                problems.Add(PolicyTexts.Invalid(key, $"「{url}」は http://アドレス:ポート の形で指定してください（例 http://127.0.0.1:9465、パスや https は使えません）",
                    $"'{url}' must be http://ADDRESS:PORT (e.g. http://127.0.0.1:9465; no path, no https)"));
                continue;
            }

            var localhost = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
            if (!localhost && !IPAddress.TryParse(uri.Host, out _))
            {
                problems.Add(PolicyTexts.Invalid(key, $"「{url}」のホストは IP アドレスか localhost にしてください",
                    $"the host in '{url}' must be an IP address or localhost"));
                continue;
            }

            var address = localhost ? IPAddress.Loopback : IPAddress.Parse(uri.Host);
            if (!IPAddress.IsLoopback(address) && !allowRemote)
            {
                problems.Add(remote(url, key));
                continue;
            }

            endpoints.Add(new Endpoint(address, uri.Port, localhost));
        }

        return (endpoints, problems);
    }

    /// <summary>The address as a URL, for log lines and refusals.</summary>
    public static string Format(Endpoint endpoint) =>
        endpoint.Localhost ? string.Create(CultureInfo.InvariantCulture, $"http://localhost:{endpoint.Port}") : $"http://{new IPEndPoint(endpoint.Address, endpoint.Port)}";

    // Uri fills in port 80 for "http://127.0.0.1": the port must be written, as nothing else listens on 80 by accident.
    private static bool HasPort(string url)
    {
        var authority = url["http://".Length..].Split('/')[0];
        var colon = authority.LastIndexOf(':');
        return colon > authority.LastIndexOf(']') && colon < authority.Length - 1;
    }
}
