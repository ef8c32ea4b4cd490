using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Cli;

/// <summary>
/// The gateway's store as the CLI opens it: the gateway's own service wiring (settings checked the same way), the same
/// data directory — so commands act on what a running gateway uses. Nothing is started: no listener, no delivery.
/// </summary>
internal sealed class GatewayStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GatewayStore(ServiceProvider services) => _services = services;

    public SafeMailDatabase Database => _services.GetRequiredService<SafeMailDatabase>();

    public QuarantineService Quarantine => _services.GetRequiredService<QuarantineService>();

    /// <summary>Held mail (送信保留).</summary>
    public Gateway.Waiting.HeldMailService Held => _services.GetRequiredService<Gateway.Waiting.HeldMailService>();

    /// <summary>Mail awaiting approval (上長承認).</summary>
    public Gateway.Waiting.ApprovalService Approvals => _services.GetRequiredService<Gateway.Waiting.ApprovalService>();

    /// <summary>Download links (ダウンロードリンク).</summary>
    public Gateway.Links.LinkService Links => _services.GetRequiredService<Gateway.Links.LinkService>();
    /// <summary>Misdelivery reports (誤送信の報告).</summary>
    public Gateway.Incidents.IncidentService Incidents => _services.GetRequiredService<Gateway.Incidents.IncidentService>();

    /// <summary>The data directory (full path) the settings name.</summary>
    public string DataDirectory => Path.GetFullPath(_services.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory);

    /// <summary>The zone times are shown in (<c>SafeMail:Console:TimeZone</c>).</summary>
    public DisplayTime Display => _services.GetRequiredService<DisplayTime>();

    /// <summary>The rules in force: the newest policy saved in the console, else the settings file's.</summary>
    public async Task<IReadOnlyList<PolicyRule>> RulesAsync(CancellationToken cancellationToken)
    {
        await _services.GetRequiredService<PolicyVersionWatcher>().RefreshAsync(cancellationToken);
        return _services.GetRequiredService<PolicyProvider>().Current.Options.Rules;
    }

    /// <summary>Opens the store (bringing its schema up to date); refuses when the data directory holds no database unless <paramref name="create"/>.</summary>
    public static async Task<GatewayStore> OpenAsync(string? settingsFile, CancellationToken cancellationToken, bool create = false)
    {
        var services = Services(settingsFile);
        try
        {
            var gateway = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var dataDirectory = Path.GetFullPath(gateway.DataDirectory);
            if (!create && gateway.ConnectionString is null && !File.Exists(Path.Combine(dataDirectory, "safemail.db")))
            {
                throw new CliException(ExitCodes.NoInput, new LocalizedText(
                    $"ゲートウェイのデータが見つかりません: {dataDirectory}（ゲートウェイと同じ設定・作業フォルダーで実行してください）",
                    $"no gateway data in {dataDirectory} (run with the gateway's settings and working directory)"));
            }

            await services.GetRequiredService<SafeMailDatabase>().MigrateAsync(cancellationToken);
            return new GatewayStore(services);
        }
        catch (Exception e) when (e is OptionsValidationException or SettingsException)
        {
            await services.DisposeAsync();
            throw Invalid(e is OptionsValidationException v ? v.Failures : ((SettingsException)e).Errors);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>The gateway's settings as the store would use them, without opening or creating anything.</summary>
    public static async Task<GatewayOptions> ReadOptionsAsync(string? settingsFile)
    {
        await using var services = Services(settingsFile);
        try
        {
            return services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        }
        catch (Exception e) when (e is OptionsValidationException or SettingsException)
        {
            throw Invalid(e is OptionsValidationException v ? v.Failures : ((SettingsException)e).Errors);
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static ServiceProvider Services(string? settingsFile)
    {
        var settings = SettingsLoader.Load(settingsFile);
        try
        {
            return new ServiceCollection()
                .AddLogging(l => l.AddFilter(_ => false))
                .AddSingleton(settings.Configuration) // the policy in force (rule descriptions) follows the settings file, as in the gateway
                .AddSafeMailGateway(settings.Configuration, run: false)
                .BuildServiceProvider();
        }
        catch (SettingsException e)
        {
            throw Invalid(e.Errors);
        }
    }

    private static CliException Invalid(IEnumerable<string> problems)
    {
        var joined = string.Join(Environment.NewLine + "safemail: ", problems);
        return new CliException(ExitCodes.Config, new LocalizedText($"設定に誤りがあります: {joined}", $"invalid settings: {joined}"));
    }
}
