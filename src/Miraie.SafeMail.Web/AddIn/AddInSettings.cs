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

        return errors.Count > 0 ? throw new SettingsException(errors) : options;
    }
}
