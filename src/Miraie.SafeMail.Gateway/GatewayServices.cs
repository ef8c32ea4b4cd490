using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Passwords;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Passwords;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway;

/// <summary>Registers the gateway in a host: its settings (checked at start and on reload), store, listener and delivery.</summary>
public static class GatewayServices
{
    /// <summary>
    /// Adds everything the gateway needs. With <paramref name="run"/> false only the store is wired (database, spool,
    /// quarantine, policy): what the command line and a console running apart from the gateway use; nothing listens or delivers.
    /// </summary>
    public static IServiceCollection AddSafeMailGateway(this IServiceCollection services, IConfiguration configuration, bool run = true)
    {
        // ISO-2022-JP and Shift_JIS, which Japanese mail is written in, are not in .NET's default set of encodings.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        services.AddSingleton<GatewayOptionsValidator>();
        AddChecked<GatewayOptions>(services, configuration, c => SettingsChecker.Bind<GatewayOptions>(c.GetSection(GatewayOptions.SectionName)));
        RefuseSecretsInFiles(configuration);
        AddChecked<SmtpListenerOptions>(services, configuration, c => SettingsChecker.Bind<SmtpListenerOptions>(c.GetSection(SmtpListenerOptions.SectionName)));
        AddChecked<DeliveryOptions>(services, configuration, c => SettingsChecker.Bind<DeliveryOptions>(c.GetSection(DeliveryOptions.SectionName)));
        AddChecked<QuarantineOptions>(services, configuration, c => SettingsChecker.Bind<QuarantineOptions>(c.GetSection(QuarantineOptions.SectionName)));
        AddChecked<ConfirmationOptions>(services, configuration, c => SettingsChecker.Bind<ConfirmationOptions>(c.GetSection(ConfirmationOptions.SectionName)));
        AddChecked<PolicyOptions>(services, configuration, PolicyConfiguration.Bind);
        AddChecked<PasswordDeliveryOptions>(services, configuration, c => SettingsChecker.Bind<PasswordDeliveryOptions>(c.GetSection(PasswordDeliveryOptions.SectionName)));
        AddChecked<Waiting.WaitingOptions>(services, configuration, c => SettingsChecker.Bind<Waiting.WaitingOptions>(c.GetSection(Waiting.WaitingOptions.SectionName)));
        services.AddSingleton<IValidateOptions<SmtpListenerOptions>>(sp => sp.GetRequiredService<GatewayOptionsValidator>());
        services.AddSingleton<IValidateOptions<DeliveryOptions>>(sp => sp.GetRequiredService<GatewayOptionsValidator>());
        services.AddSingleton<IValidateOptions<QuarantineOptions>>(sp => sp.GetRequiredService<GatewayOptionsValidator>());
        services.AddSingleton<IValidateOptions<GatewayOptions>>(sp => sp.GetRequiredService<GatewayOptionsValidator>());
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.AddSingleton<IValidateOptions<PasswordDeliveryOptions>, PasswordDeliveryOptionsValidator>();
        services.AddSingleton<IValidateOptions<Waiting.WaitingOptions>, Waiting.WaitingOptionsValidator>();
        AddChecked<Links.DownloadOptions>(services, configuration, c => SettingsChecker.Bind<Links.DownloadOptions>(c.GetSection(Links.DownloadOptions.SectionName)));
        services.AddSingleton<IValidateOptions<Links.DownloadOptions>, Links.DownloadOptionsValidator>();
        AddChecked<Incidents.IncidentOptions>(services, configuration, c => SettingsChecker.Bind<Incidents.IncidentOptions>(c.GetSection(Incidents.IncidentOptions.SectionName)));
        services.AddSingleton<IValidateOptions<Incidents.IncidentOptions>, Incidents.IncidentOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddMetrics(); // IMeterFactory: the gateway's and the storage's meters belong to this host (ADR-015)
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<Metrics.QueueStatistics>();
        services.AddSingleton<Metrics.GatewayMetrics>();
        services.AddSingleton(DisplayTime.FromConfiguration(configuration)); // an unknown zone stops the start here, naming the key
        services.AddSingleton(sp => new GatewayIdentity(sp.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var gateway = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return gateway.DatabaseProvider == DatabaseProvider.PostgreSql
                ? SafeMailDatabase.For(gateway.DataDirectory,
                    DatabaseSettings.PostgreSql(gateway.ConnectionString!, gateway.DatabasePassword, "safemail " + sp.GetRequiredService<GatewayIdentity>().NodeId),
                    DatabaseProvider.PostgreSql)
                : SafeMailDatabase.For(gateway.DataDirectory, gateway.ConnectionString);
        });
        services.AddSingleton(sp => new SpoolStore(sp.GetRequiredService<GatewayIdentity>().DataDirectory));
        services.AddSingleton<RecentBytes>();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<StoreWriter>();
        services.AddSingleton<PolicyProvider>();
        services.AddSingleton<PolicyVersionWatcher>();
        services.AddSingleton(sp => new MessageInspector(() => sp.GetRequiredService<PolicyProvider>().Current.Options.Limits));
        services.AddSingleton(sp => new ConfirmationSigner(sp.GetRequiredService<IOptions<ConfirmationOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DeliveryHandoff>();
        services.AddSingleton<MessageAcceptor>();
        services.AddSingleton<FailureReporter>();
        services.AddSingleton<OutboundMail>();
        services.AddSingleton(sp => new DeliveryStatusNotification(sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetRequiredService<IOptions<QuarantineOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DisplayTime>().Zone));
        services.AddSingleton(sp => new QuarantineNotice(sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetRequiredService<IOptions<QuarantineOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DisplayTime>().Zone));
        services.AddSingleton<IMessageTransport>(sp =>
        {
            var delivery = sp.GetRequiredService<IOptions<DeliveryOptions>>().Value;
            var identity = sp.GetRequiredService<GatewayIdentity>();
            return delivery.Smarthost is { Host.Length: > 0 } smarthost
                ? new SmarthostTransport(smarthost, delivery.MaxParallel, identity.ServerName, sp.GetRequiredService<ILogger<SmarthostTransport>>())
                : new PickupFolderTransport(delivery.PickupDirectory ?? Path.Combine(identity.DataDirectory, "pickup"));
        });

        // Session cookies (console) and archive passwords (add-in, gateway) are protected with keys that live beside the data,
        // in the service account's own folder: they survive restarts and are the same for the console and the gateway.
        KeyProtection.Add(services, configuration);
        services.AddSingleton<ArchivePasswords>();
        services.AddSingleton<PasswordMail>();
        services.AddSingleton<Func<GraphSendOptions, GraphPasswordSender>>(_ => graph => GraphPasswordSender.Create(graph));
        services.AddSingleton<PasswordMailService>();
        services.AddSingleton<QuarantineService>();
        services.AddSingleton(sp => new Waiting.WaitingNotices(sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetRequiredService<IOptions<QuarantineOptions>>().Value, sp.GetRequiredService<IOptions<Waiting.WaitingOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DisplayTime>().Zone));
        // The sender's manager (approvers "manager") from Entra ID through Microsoft Graph when SafeMail:Waiting:Graph names an
        // app registration (read at start); otherwise nobody is found and an admin decides (README, 上長承認).
        services.TryAddSingleton<Func<GraphSendOptions, Microsoft.Graph.GraphServiceClient>>(_ => graph => GraphClients.Create(graph));
        services.TryAddSingleton<Waiting.IManagerDirectory>(sp => sp.GetRequiredService<IOptions<Waiting.WaitingOptions>>().Value is { HasGraph: true } waiting
            ? new Waiting.GraphManagerDirectory(sp.GetRequiredService<Func<GraphSendOptions, Microsoft.Graph.GraphServiceClient>>()(waiting.Graph),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Waiting.GraphManagerDirectory>>())
            : new Waiting.NoManagerDirectory());
        services.AddSingleton<Waiting.ApproverDirectory>();
        services.AddSingleton<Waiting.WaitingNotifier>();
        services.AddSingleton<Waiting.WaitingStore>();
        services.AddSingleton<Waiting.HeldMailService>();
        services.AddSingleton<Waiting.ApprovalService>();
        services.AddSingleton<Storage.Links.LinkFileStore>();
        services.AddSingleton<Links.DownloadAddress>();
        services.AddSingleton(sp => new Links.LinkNotices(sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetRequiredService<IOptions<QuarantineOptions>>().Value, sp.GetRequiredService<IOptions<Waiting.WaitingOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DisplayTime>().Zone));
        services.AddSingleton<Links.LinkService>();
        services.AddSingleton<Links.DownloadServer>();
        // 誤送信の報告 (ADR-020): what a report does at once, in this order. Download links are revoked before the delivery facts are told.
        services.AddSingleton<Incidents.IContainmentStep, Incidents.CancelHeldStep>();
        services.AddSingleton<Incidents.IContainmentStep, Incidents.DeclineApprovalStep>();
        services.AddSingleton<Incidents.IContainmentStep, Incidents.RevokeLinksStep>();
        services.AddSingleton<Incidents.IContainmentStep, Incidents.DeliveryFactsStep>();
        services.AddSingleton<Incidents.IncidentNotices>();
        services.AddSingleton<Incidents.IncidentService>();
        services.AddSingleton<SmtpListenerService>();
        services.AddSingleton<DeliveryService>();
        services.AddSingleton<BytesVacuumService>();
        services.AddSingleton<RetentionService>();
        services.AddSingleton<Health.HealthReporter>();
        if (!run)
        {
            return services;
        }

        services.AddHostedService<GatewayStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicyVersionWatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<SmtpListenerService>());
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryService>());
        services.AddHostedService(sp => sp.GetRequiredService<BytesVacuumService>());
        services.AddHostedService(sp => sp.GetRequiredService<PasswordMailService>());
        services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        services.AddHostedService(sp => sp.GetRequiredService<Health.HealthReporter>());
        services.AddHostedService(sp => sp.GetRequiredService<Links.DownloadServer>());
        return services;
    }

    // A password written into a settings file ends up in backups and in git: only the environment (or the command line) may
    // hold it — the database password, and a password written into the connection string.
    private static void RefuseSecretsInFiles(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        var problems = new List<string>();
        foreach (var provider in root.Providers.OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>())
        {
            if (provider.TryGet(GatewayOptions.SectionName + ":DatabasePassword", out var password) && !string.IsNullOrEmpty(password))
            {
                problems.Add(PolicyTexts.Invalid(GatewayOptions.SectionName + ":DatabasePassword",
                    "パスワードは設定ファイルに書かず、環境変数 SafeMail__Gateway__DatabasePassword で渡してください",
                    "do not write the password into a settings file; set the environment variable SafeMail__Gateway__DatabasePassword"));
            }

            if (provider.TryGet(GatewayOptions.SectionName + ":ConnectionString", out var connection) && connection is { Length: > 0 }
                && connection.Contains("password", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(PolicyTexts.Invalid(GatewayOptions.SectionName + ":ConnectionString",
                    "接続文字列にパスワードを書かず、環境変数 SafeMail__Gateway__DatabasePassword で渡してください",
                    "do not write a password into the connection string; set the environment variable SafeMail__Gateway__DatabasePassword"));
            }
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }
    }

    internal static void AddChecked<T>(IServiceCollection services, IConfiguration configuration, Func<IConfiguration, T> bind)
        where T : class
    {
        services.AddOptions<T>().ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<T>>(new ConfigurationChangeTokenSource<T>(configuration));
        services.AddSingleton<IOptionsFactory<T>>(sp => new CheckedOptionsFactory<T>(configuration, bind, sp.GetServices<IValidateOptions<T>>()));
    }
}
