using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>Checks <c>SafeMail:PasswordDelivery</c> at start and on reload; each problem names its key.</summary>
public sealed class PasswordDeliveryOptionsValidator : IValidateOptions<PasswordDeliveryOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, PasswordDeliveryOptions options)
    {
        const string key = PasswordDeliveryOptions.SectionName;
        var errors = new List<string>();
        if (options.Mode is not (PasswordDeliveryOptions.GatewayMode or PasswordDeliveryOptions.GraphMode or PasswordDeliveryOptions.PaneMode))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:Mode", $"「{options.Mode}」は gateway | graph | pane のいずれかにしてください", $"'{options.Mode}' must be gateway, graph or pane"));
        }

        if (options.Language is not ("ja-en" or "ja" or "en"))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:Language", $"「{options.Language}」は ja-en | ja | en のいずれかにしてください", $"'{options.Language}' must be ja-en, ja or en"));
        }

        if (options.KeepFor < TimeSpan.FromHours(1))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:KeepFor", "1時間以上にしてください", "must be at least one hour"));
        }

        if (options.Mode == PasswordDeliveryOptions.GraphMode)
        {
            CheckGraph(errors, $"{key}:Graph", options.Graph);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>An app registration's settings under <paramref name="key"/>: GUIDs, exactly one of secret and certificate, https addresses.</summary>
    internal static void CheckGraph(List<string> errors, string key, GraphSendOptions graph)
    {
        if (!Guid.TryParse(graph.TenantId, out _))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:TenantId", "テナント ID (GUID) を設定してください", "set the tenant id (a GUID)"));
        }

        if (!Guid.TryParse(graph.ClientId, out _))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:ClientId", "アプリケーション (クライアント) ID (GUID) を設定してください", "set the application (client) id (a GUID)"));
        }

        if (string.IsNullOrEmpty(graph.ClientSecret) == string.IsNullOrEmpty(graph.CertificatePath))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:ClientSecret", "ClientSecret か CertificatePath のどちらか一方を設定してください",
                "set exactly one of ClientSecret and CertificatePath"));
        }

        foreach (var (field, value) in new[] { ("BaseUrl", graph.BaseUrl), ("AuthorityHost", graph.AuthorityHost) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:{field}", $"「{value}」は https:// のアドレスではありません", $"'{value}' is not an https:// address"));
            }
        }
    }
}
