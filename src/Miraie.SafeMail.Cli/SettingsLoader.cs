using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Cli;

/// <summary>
/// Reads settings the way the hosts do: an optional JSON file (with a <c>SafeMail</c> section, e.g.
/// appsettings.sample.json), then environment variables (<c>SafeMail__Policy__InternalDomains__0</c>).
/// </summary>
internal sealed class SettingsLoader
{
    private readonly IConfiguration _configuration;

    private SettingsLoader(IConfiguration configuration) => _configuration = configuration;

    /// <summary>The configuration as loaded (file, then environment).</summary>
    public IConfiguration Configuration => _configuration;

    /// <summary>True when no internal domain is configured (every recipient counts as external).</summary>
    public bool NoInternalDomains { get; private set; }

    public static SettingsLoader Load(string? file)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new CliException(ExitCodes.NoInput, new LocalizedText($"設定ファイルが見つかりません: {file}", $"settings file not found: {file}"));
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables();
        try
        {
            return new SettingsLoader(builder.Build());
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new CliException(ExitCodes.Config, new LocalizedText($"設定ファイルが JSON として読めません: {file}: {e.Message}", $"settings file is not valid JSON: {file}: {e.Message}"));
        }
    }

    /// <summary>The policy, validated; a bad one stops with every problem named by key.</summary>
    public PolicyOptions Policy()
    {
        PolicyOptions options;
        try
        {
            options = PolicyConfiguration.Bind(_configuration);
        }
        catch (SettingsException e)
        {
            var joined = string.Join(Environment.NewLine + "safemail: ", e.Errors);
            throw new CliException(ExitCodes.Config, new LocalizedText($"設定に誤りがあります: {joined}", $"invalid settings: {joined}"));
        }

        var errors = PolicyOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            var joined = string.Join(Environment.NewLine + "safemail: ", errors);
            throw new CliException(ExitCodes.Config, new LocalizedText($"ポリシーに誤りがあります: {joined}", $"the policy is invalid: {joined}"));
        }

        NoInternalDomains = options.InternalDomains.Count == 0;
        return options;
    }

    /// <summary>Binds and checks one options section; problems stop with every key named.</summary>
    public T Section<T>(string section)
        where T : new()
    {
        try
        {
            return SettingsChecker.Bind<T>(_configuration.GetSection(section));
        }
        catch (SettingsException e)
        {
            var joined = string.Join(Environment.NewLine + "safemail: ", e.Errors);
            throw new CliException(ExitCodes.Config, new LocalizedText($"設定に誤りがあります: {joined}", $"invalid settings: {joined}"));
        }
    }

    /// <summary>The stamp keys, when configured (normally only through environment variables).</summary>
    public ConfirmationSigner Confirmation()
    {
        try
        {
            return new ConfirmationSigner(SettingsChecker.Bind<ConfirmationOptions>(_configuration.GetSection(ConfirmationOptions.SectionName)));
        }
        catch (Exception e) when (e is SettingsException or ArgumentException)
        {
            throw new CliException(ExitCodes.Config, new LocalizedText($"確認スタンプの設定が正しくありません: {e.Message}", $"invalid confirmation setting: {e.Message}"));
        }
    }
}
