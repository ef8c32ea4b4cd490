using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Spool;
using Miraie.SafeMail.Gateway.Storage;

namespace Miraie.SafeMail.Cli;

/// <summary>
/// The gateway's store as the CLI opens it: the same settings (file and <c>SafeMail__…</c> environment), the same data
/// directory, so commands act on what a running gateway uses.
/// </summary>
internal sealed class GatewayStore
{
    private GatewayStore(GatewayDatabase database, SpoolStore spool, QuarantineService quarantine)
    {
        Database = database;
        Spool = spool;
        Quarantine = quarantine;
    }

    public GatewayDatabase Database { get; }

    public SpoolStore Spool { get; }

    public QuarantineService Quarantine { get; }

    public static async Task<GatewayStore> OpenAsync(string? settingsFile, CancellationToken cancellationToken)
    {
        var settings = SettingsLoader.Load(settingsFile);
        var gateway = settings.Section<GatewayOptions>(GatewayOptions.SectionName);
        var database = GatewayDatabase.For(gateway);
        var dataDirectory = Path.GetFullPath(gateway.DataDirectory);
        if (gateway.ConnectionString is null && !File.Exists(Path.Combine(dataDirectory, "safemail.db")))
        {
            throw new CliException(ExitCodes.NoInput, new LocalizedText(
                $"ゲートウェイのデータが見つかりません: {dataDirectory}（ゲートウェイと同じ設定・作業フォルダーで実行してください）",
                $"no gateway data in {dataDirectory} (run with the gateway's settings and working directory)"));
        }

        await database.MigrateAsync(cancellationToken);
        var spool = new SpoolStore(dataDirectory);
        var quarantine = new QuarantineService(database, spool,
            Options.Create(settings.Section<DeliveryOptions>(DeliveryOptions.SectionName)),
            Options.Create(settings.Section<QuarantineOptions>(QuarantineOptions.SectionName)), TimeProvider.System);
        return new GatewayStore(database, spool, quarantine);
    }
}
