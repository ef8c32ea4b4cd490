using System.Net;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Smtp;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// Checks the gateway's settings at start (and at every reload): each problem names its key, in Japanese and English.
/// The host refuses to start with any of them.
/// </summary>
public sealed class GatewayOptionsValidator :
    IValidateOptions<SmtpListenerOptions>, IValidateOptions<DeliveryOptions>, IValidateOptions<QuarantineOptions>, IValidateOptions<GatewayOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SmtpListenerOptions options)
    {
        var errors = new List<string>();
        const string key = SmtpListenerOptions.SectionName;
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            if (!IPAddress.TryParse(endpoint.Address, out _))
            {
                errors.Add(Invalid($"{key}:Endpoints:{i}:Address", $"「{endpoint.Address}」は IP アドレスではありません", $"'{endpoint.Address}' is not an IP address"));
            }

            if (endpoint.Port is < 0 or > 65535)
            {
                errors.Add(Invalid($"{key}:Endpoints:{i}:Port", "0〜65535 で指定してください", "must be 0-65535"));
            }

            if (endpoint.Mode == SmtpEndpointMode.ImplicitTls && string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                errors.Add(Invalid($"{key}:Endpoints:{i}:Mode", "ImplicitTls には証明書 (CertificatePath) が必要です", "ImplicitTls needs a certificate (CertificatePath)"));
            }

            if (endpoint.RequireAuthentication && string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                errors.Add(Invalid($"{key}:Endpoints:{i}:RequireAuthentication", "認証は TLS 上でのみ行うため証明書 (CertificatePath) が必要です",
                    "authentication happens only over TLS, so a certificate (CertificatePath) is needed"));
            }
        }

        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedNetworks[i].Trim(), out _))
            {
                errors.Add(Invalid($"{key}:TrustedNetworks:{i}", $"「{options.TrustedNetworks[i]}」は CIDR 表記ではありません（例 10.0.0.0/8）",
                    $"'{options.TrustedNetworks[i]}' is not CIDR notation (e.g. 10.0.0.0/8)"));
            }
        }

        errors.AddRange(TrustedNetworkWidth.Problems(options.TrustedNetworks, $"{key}:TrustedNetworks"));

        if (options.SpillThresholdBytes < 0)
        {
            errors.Add(Invalid($"{key}:SpillThresholdBytes", "0 以上で指定してください", "must be 0 or more"));
        }

        if (options.MaxMessageBytes < 1024)
        {
            errors.Add(Invalid($"{key}:MaxMessageBytes", "1024 以上で指定してください", "must be at least 1024"));
        }

        if (options.MaxRecipients < 1 || options.MaxConnections < 1)
        {
            errors.Add(Invalid($"{key}:MaxRecipients / MaxConnections", "1 以上で指定してください", "must be at least 1"));
        }

        errors.AddRange(SessionLimitProblems(options, key));
        if (options.CertificatePath is { Length: > 0 } certificate && !File.Exists(certificate))
        {
            errors.Add(Invalid($"{key}:CertificatePath", $"証明書ファイルがありません: {certificate}", $"certificate file not found: {certificate}"));
        }

        return Result(errors);
    }

    private static IEnumerable<string> SessionLimitProblems(SmtpListenerOptions options, string key)
    {
        if (options.MaxConnectionsPerClient < 1)
        {
            yield return Invalid($"{key}:MaxConnectionsPerClient", "1 以上で指定してください", "must be at least 1");
        }

        if (options.ReservedTrustedConnections < 0 || options.ReservedTrustedConnections >= Math.Max(1, options.MaxConnections))
        {
            yield return Invalid($"{key}:ReservedTrustedConnections", $"0 以上 MaxConnections（{options.MaxConnections}）未満で指定してください",
                $"must be 0 or more and less than MaxConnections ({options.MaxConnections})");
        }

        foreach (var (name, value) in new[] { ("SessionTimeout", options.SessionTimeout), ("MaxSessionDuration", options.MaxSessionDuration) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return Invalid($"{key}:{name}", "正の時間を指定してください", "must be a positive time span");
            }
        }

        foreach (var (name, value) in new[] { ("FirstCommandTimeout", options.FirstCommandTimeout), ("BusySessionTimeout", options.BusySessionTimeout) })
        {
            if (value <= TimeSpan.Zero || value > options.SessionTimeout)
            {
                yield return Invalid($"{key}:{name}", $"正の時間で、SessionTimeout（{options.SessionTimeout}）以下にしてください",
                    $"must be positive and at most SessionTimeout ({options.SessionTimeout})");
            }
        }
    }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        const string key = DeliveryOptions.SectionName;
        if (options.Smarthost is { Host.Length: > 0 } smarthost)
        {
            if (Uri.CheckHostName(smarthost.Host) == UriHostNameType.Unknown)
            {
                errors.Add(Invalid($"{key}:Smarthost:Host", $"「{smarthost.Host}」はホスト名ではありません", $"'{smarthost.Host}' is not a host name"));
            }

            if (smarthost.Port is < 1 or > 65535)
            {
                errors.Add(Invalid($"{key}:Smarthost:Port", "1〜65535 で指定してください", "must be 1-65535"));
            }

            if (smarthost.User is { Length: > 0 } && smarthost.Tls == SmarthostTls.None)
            {
                errors.Add(Invalid($"{key}:Smarthost:Tls", "パスワードを平文で送らないよう、認証時は TLS を有効にしてください", "AUTH needs TLS so the password never travels in clear"));
            }
        }

        if (options.MaxParallel is < 1 or > 256)
        {
            errors.Add(Invalid($"{key}:MaxParallel", "1〜256 で指定してください", "must be 1-256"));
        }

        if (options.LeaseTime < TimeSpan.FromSeconds(5) || options.LeaseTime > TimeSpan.FromHours(1))
        {
            errors.Add(Invalid($"{key}:LeaseTime", "00:00:05〜01:00:00 で指定してください", "must be between 00:00:05 and 01:00:00"));
        }

        if (options.InitialRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.InitialRetryDelay || options.MaxLifetime <= TimeSpan.Zero)
        {
            errors.Add(Invalid($"{key}:InitialRetryDelay / MaxRetryDelay / MaxLifetime", "正の時間で、MaxRetryDelay は InitialRetryDelay 以上にしてください",
                "must be positive, with MaxRetryDelay at least InitialRetryDelay"));
        }

        return Result(errors);
    }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, QuarantineOptions options) =>
        Result(options.Retention <= TimeSpan.Zero
            ? [Invalid($"{QuarantineOptions.SectionName}:Retention", "正の期間を指定してください", "must be a positive time span")]
            : []);

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add(Invalid($"{GatewayOptions.SectionName}:DataDirectory", "データフォルダーを指定してください", "a data directory is needed"));
        }

        if (KeyProtection.Problem(options) is { } problem)
        {
            errors.Add(problem);
        }

        if (options.DatabaseProvider == Storage.DatabaseProvider.PostgreSql)
        {
            const string key = GatewayOptions.SectionName + ":ConnectionString";
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                errors.Add(Invalid(key, "PostgreSQL の接続文字列を指定してください（例 Host=db1;Database=safemail;Username=safemail）",
                    "PostgreSQL needs a connection string (e.g. Host=db1;Database=safemail;Username=safemail)"));
            }
            else if (Storage.DatabaseSettings.PostgreSqlProblem(options.ConnectionString) is var (ja, en))
            {
                errors.Add(Invalid(key, ja, en));
            }
        }

        return Result(errors);
    }

    private static string Invalid(string key, string ja, string en) => PolicyTexts.Invalid(key, ja, en);

    private static ValidateOptionsResult Result(List<string> errors) => errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
