using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Observability;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>Checks <see cref="DownloadOptions"/>: each problem one line naming its key, in Japanese and English.</summary>
public sealed class DownloadOptionsValidator : IValidateOptions<DownloadOptions>
{
    private const string Section = DownloadOptions.SectionName;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, DownloadOptions options)
    {
        var problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem with the settings.</summary>
    public static List<string> Check(DownloadOptions options)
    {
        var (_, problems) = Listen(options);
        var list = problems.ToList();
        if (options.PublicUrl is { Length: > 0 } url && (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Query.Length > 0 || uri.UserInfo.Length > 0))
        {
            list.Add(PolicyTexts.Invalid($"{Section}:PublicUrl", $"「{url}」は https://ホスト名 の形で指定してください（例 https://files.example.co.jp）",
                $"'{url}' must be https://HOST (e.g. https://files.example.co.jp)"));
        }

        list.AddRange(Core.Settings.ProxyNetworks.Check(options.KnownProxies, $"{Section}:KnownProxies"));
        Range(list, "ExpireAfter", options.ExpireAfter, TimeSpan.FromHours(1), TimeSpan.FromDays(90), "1時間〜90日", "1 hour to 90 days");
        Range(list, "CodeLifetime", options.CodeLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), "1分〜1時間", "1 minute to 1 hour");
        Range(list, "SessionLifetime", options.SessionLifetime, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1), "5分〜1日", "5 minutes to 1 day");
        if (options.MaxCodeAttempts is < 1 or > 10)
        {
            list.Add(PolicyTexts.Invalid($"{Section}:MaxCodeAttempts", "1〜10 で指定してください", "must be 1 to 10"));
        }

        if (options.MaxCodesPerHour is < 1 or > 20)
        {
            list.Add(PolicyTexts.Invalid($"{Section}:MaxCodesPerHour", "1〜20 で指定してください", "must be 1 to 20"));
        }

        return list;
    }

    /// <summary>The addresses to listen on, and the problems with <see cref="DownloadOptions.Urls"/>.</summary>
    public static (IReadOnlyList<ObservabilityUrls.Endpoint> Endpoints, IReadOnlyList<string> Problems) Listen(DownloadOptions options) =>
        ObservabilityUrls.Parse(options.Urls, options.AllowRemote, $"{Section}:Urls", (url, key) => PolicyTexts.Invalid(key,
            $"「{url}」はこのコンピューターの外から読めるアドレスです。ダウンロードページは TLS のリバースプロキシの後ろに置き、直接公開するときは {Section}:AllowRemote を true にしてください",
            $"'{url}' can be reached from other machines: put the download page behind a TLS reverse proxy, or set {Section}:AllowRemote to true to publish it directly"));

    private static void Range(List<string> list, string key, TimeSpan value, TimeSpan min, TimeSpan max, string ja, string en)
    {
        if (value < min || value > max)
        {
            list.Add(PolicyTexts.Invalid($"{Section}:{key}", $"{ja}の間で指定してください", $"must be {en}"));
        }
    }
}
