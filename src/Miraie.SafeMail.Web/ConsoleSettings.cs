using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Web.Accounts;

namespace Miraie.SafeMail.Web;

/// <summary>Binds and checks <c>SafeMail:Console</c>: misspelt keys and Entra ID sign-in problems are named by key.</summary>
public static class ConsoleSettings
{
    private const string EntraKey = ConsoleOptions.SectionName + ":EntraId";

    /// <summary>The checked options; throws <see cref="SettingsException"/> naming every problem.</summary>
    public static ConsoleOptions Bind(IConfiguration configuration)
    {
        var options = SettingsChecker.Bind<ConsoleOptions>(configuration.GetSection(ConsoleOptions.SectionName));
        var errors = new List<string>();
        try
        {
            Gateway.DisplayTime.Create(options.TimeZone, ConsoleOptions.SectionName + ":TimeZone");
        }
        catch (SettingsException e)
        {
            errors.AddRange(e.Errors);
        }

        errors.AddRange(Core.Settings.ProxyNetworks.Check(options.KnownProxies, $"{ConsoleOptions.SectionName}:KnownProxies"));
        if (options.EntraId is { } entra)
        {
            CheckEntraId(entra, errors);
            if (SecretInFile(configuration))
            {
                errors.Add($"{EntraKey}:ClientSecret: クライアント シークレットは設定ファイルに書かず、環境変数 SafeMail__Console__EntraId__ClientSecret で渡してください / " +
                           "must not be in a settings file: set the environment variable SafeMail__Console__EntraId__ClientSecret");
            }
        }

        return errors.Count > 0 ? throw new SettingsException(errors) : options;
    }

    /// <summary>The configured proxies as networks (a single address is a /32 or /128); call after <see cref="Bind"/>.</summary>
    public static IReadOnlyList<System.Net.IPNetwork> KnownProxyNetworks(ConsoleOptions options) =>
        options.KnownProxies.Select(p => Core.Settings.ProxyNetworks.Parse(p)!.Value).ToList();

    private static void CheckEntraId(EntraSignInOptions entra, List<string> errors)
    {
        EntraIdChecks.Instance(EntraKey, entra.Instance, errors);

        // Single tenant only: organizations, common and consumers are not GUIDs and are refused here.
        if (entra.TenantId is not { Length: > 0 } tenant)
        {
            errors.Add($"{EntraKey}:TenantId: ディレクトリ（テナント）ID を設定してください / required: the directory (tenant) ID");
        }
        else if (!Guid.TryParseExact(tenant, "D", out _))
        {
            errors.Add($"{EntraKey}:TenantId: 「{tenant}」はディレクトリ（テナント）ID の GUID にしてください（コンソールは 1 つのテナントだけを受け入れます） / " +
                       "must be the directory (tenant) ID, a GUID (the console admits one tenant only)");
        }

        EntraIdChecks.ClientId(EntraKey, entra.ClientId, ("コンソール", "console's"), errors);

        if (entra.ClientSecret is not { Length: > 0 })
        {
            errors.Add($"{EntraKey}:ClientSecret: クライアント シークレットを環境変数 SafeMail__Console__EntraId__ClientSecret で設定してください / " +
                       "required: set the client secret in the environment variable SafeMail__Console__EntraId__ClientSecret");
        }

        if (entra.MaxSessionAge <= TimeSpan.Zero)
        {
            errors.Add($"{EntraKey}:MaxSessionAge: 0 より長くしてください / must be longer than zero");
        }

        if (entra.RedirectUri is { Length: > 0 } redirect && (!Uri.TryCreate(redirect, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
                || uri.AbsolutePath != EntraSignIn.CallbackPath || uri.Query.Length > 0))
        {
            errors.Add($"{EntraKey}:RedirectUri: 「{redirect}」は Entra ID に登録した https://…/signin-oidc のアドレスにしてください / " +
                       "must be the redirect URI registered in Entra ID, https://…/signin-oidc");
        }

        var roles = new[] { ("AdminRole", entra.AdminRole), ("OperatorRole", entra.OperatorRole), ("AuditorRole", entra.AuditorRole) };
        foreach (var (key, value) in roles.Where(r => string.IsNullOrWhiteSpace(r.Item2)))
        {
            errors.Add($"{EntraKey}:{key}: アプリ ロールの値を設定してください / must name an app role value");
        }

        if (roles.Select(r => r.Item2).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).Count()
            != roles.Count(r => !string.IsNullOrWhiteSpace(r.Item2)))
        {
            errors.Add($"{EntraKey}: AdminRole・OperatorRole・AuditorRole には別々のアプリ ロールを設定してください / " +
                       "AdminRole, OperatorRole and AuditorRole must be different app roles");
        }
    }

    // A secret written into a settings file ends up in backups and in git; only the environment (or the command line) may hold it.
    private static bool SecretInFile(IConfiguration configuration) =>
        configuration is IConfigurationRoot root && root.Providers.Any(p =>
            p is FileConfigurationProvider && p.TryGet(EntraKey + ":ClientSecret", out var value) && !string.IsNullOrEmpty(value));
}
