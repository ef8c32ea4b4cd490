using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>Binds and checks <c>SafeMail:AddIn</c>: misspelt keys and values outside their choices are named by key.</summary>
public static class AddInSettings
{
    /// <summary>The checked options; throws <see cref="SettingsException"/> naming every problem.</summary>
    public static AddInOptions Bind(IConfiguration configuration)
    {
        var options = SettingsChecker.Bind<AddInOptions>(configuration.GetSection(AddInOptions.SectionName));
        var errors = new List<string>();
        if (options.Confirm is not ("external" or "always" or "never"))
        {
            errors.Add($"{AddInOptions.SectionName}:Confirm: 「{options.Confirm}」は external | always | never のいずれかにしてください / must be external, always or never");
        }

        if (options.Offline is not ("block" or "use-cached"))
        {
            errors.Add($"{AddInOptions.SectionName}:Offline: 「{options.Offline}」は block | use-cached のいずれかにしてください / must be block or use-cached");
        }

        if (options.PublicUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{AddInOptions.SectionName}:PublicUrl: Outlook は HTTPS のアドレスしか読み込みません / Outlook only loads HTTPS addresses: {url}");
        }

        if (options.EntraId is { } entra)
        {
            CheckEntraId(entra, options.DevelopmentMode, errors);
        }

        return errors.Count > 0 ? throw new SettingsException(errors) : options;
    }

    private static void CheckEntraId(EntraIdOptions entra, bool developmentMode, List<string> errors)
    {
        const string key = AddInOptions.SectionName + ":EntraId";
        // Refused rather than one silently winning: development mode trusts a header, so a production settings file with a
        // leftover DevelopmentMode=true must stop the start, and a developer who set EntraId meant to test real tokens.
        if (developmentMode)
        {
            errors.Add($"{AddInOptions.SectionName}:DevelopmentMode: EntraId を設定したときは開発モードを使えません（どちらか一方にしてください） / " +
                       "cannot be true when EntraId is set (choose one)");
        }

        EntraIdChecks.Instance(key, entra.Instance, errors);
        if (entra.TenantId is not { Length: > 0 } tenant)
        {
            errors.Add($"{key}:TenantId: ディレクトリ（テナント）ID を設定してください / required: the directory (tenant) ID");
        }
        else if (!Guid.TryParseExact(tenant, "D", out _) && !entra.AdmitsEveryTenant())
        {
            errors.Add($"{key}:TenantId: 「{tenant}」はディレクトリ（テナント）ID の GUID にしてください（すべての職場テナントを受け入れる場合だけ organizations） / " +
                       "must be the directory (tenant) ID, a GUID (or organizations to admit every work or school tenant; common and consumers are refused)");
        }

        EntraIdChecks.ClientId(key, entra.ClientId, ("アドイン", "add-in's"), errors);

        if (entra.Audience is { Length: > 0 } audience && (!Uri.TryCreate(audience, UriKind.Absolute, out var uri) || uri.Scheme is not ("api" or "https")))
        {
            errors.Add($"{key}:Audience: 「{audience}」はアプリケーション ID の URI にしてください（api://… または https://…） / " +
                       "must be an Application ID URI (api://… or https://…)");
        }
    }
}
