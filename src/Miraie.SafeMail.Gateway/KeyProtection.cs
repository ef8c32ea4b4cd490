using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// Where the data-protection keys live and how they are kept: in <c>DATA/keys</c>, shared by the console and the
/// gateway (session cookies, archive passwords) — with PostgreSQL in the database, shared by every node — and — when <see cref="GatewayOptions.KeyCertificatePath"/> is set —
/// encrypted with that certificate, so a copy of the data directory alone opens nothing.
/// </summary>
internal static class KeyProtection
{
    private const string Key = GatewayOptions.SectionName + ":KeyCertificatePath";

    /// <summary>
    /// Adds data protection with the key store in the data directory. The certificate is read here, at registration
    /// (data protection takes it then); an unreadable one stops the start with the key named.
    /// </summary>
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection().SetApplicationName("Miraie.SafeMail.Web");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.DatabaseProvider == DatabaseProvider.PostgreSql
                ? new DatabaseKeyRepository(sp.GetRequiredService<SafeMailDatabase>()) // shared by every node of the cluster
                : new FileSystemXmlRepository(
                    new DirectoryInfo(Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory), "keys")),
                    sp.GetRequiredService<ILoggerFactory>())));

        var gateway = SettingsChecker.Bind<GatewayOptions>(configuration.GetSection(GatewayOptions.SectionName));
        if (gateway.KeyCertificatePath is not { Length: > 0 })
        {
            return;
        }

        if (Problem(gateway) is { } problem)
        {
            throw new SettingsException([problem]);
        }

        var certificate = Load(gateway);
        builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>What is wrong with the configured certificate (named by key, Japanese and English), or null.</summary>
    public static string? Problem(GatewayOptions gateway)
    {
        if (gateway.KeyCertificatePath is not { Length: > 0 } path)
        {
            return null;
        }

        try
        {
            using var certificate = Load(gateway);
            using var rsa = certificate.GetRSAPrivateKey();
            // XML encryption of the key ring supports RSA only: an ECDSA certificate would fail at the first key written.
            return rsa is not null ? null
                : PolicyTexts.Invalid(Key, "RSA の秘密鍵を含む証明書が必要です（ECDSA は使えません）", "the certificate must include an RSA private key (ECDSA is not supported)");
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return PolicyTexts.Invalid(Key, $"証明書を読めません（{path}）: {e.Message}", $"cannot read the certificate ({path}): {e.Message}");
        }
    }

    private static X509Certificate2 Load(GatewayOptions gateway) =>
        X509CertificateLoader.LoadPkcs12FromFile(gateway.KeyCertificatePath!, gateway.KeyCertificatePassword);
}
