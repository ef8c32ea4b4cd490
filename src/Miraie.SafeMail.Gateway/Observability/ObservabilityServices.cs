using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Metrics;
using Miraie.SafeMail.Storage;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>Adds the observability listener and the OpenTelemetry metrics pipeline to a host (<c>safemail-gateway</c>, <c>safemail-web</c>).</summary>
public static class ObservabilityServices
{
    /// <summary>
    /// Adds <c>SafeMail:Observability</c> (checked at start), the OpenTelemetry meter provider with the gateway's and the storage's meters and
    /// the runtime's, its Prometheus exporter and the listener. <paramref name="gateway"/>: this process runs the gateway
    /// (readiness then also needs the spool and the SMTP listener). Returns the builder, for a host's own meters.
    /// </summary>
    public static OpenTelemetryBuilder AddSafeMailObservability(this IServiceCollection services, IConfiguration configuration, string program, bool gateway)
    {
        GatewayServices.AddChecked(services, configuration, c => SettingsChecker.Bind<ObservabilityOptions>(c.GetSection(ObservabilityOptions.SectionName)));
        services.AddSingleton<IValidateOptions<ObservabilityOptions>, ObservabilityUrls>();
        services.AddSingleton<ReadinessChecks>();
        services.AddSingleton(sp => new ObservabilityServer(sp.GetRequiredService<IOptions<ObservabilityOptions>>(), sp, gateway));
        services.AddHostedService(sp => sp.GetRequiredService<ObservabilityServer>());
        return services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(program, serviceVersion: typeof(GatewayMetrics).Assembly.GetName().Version?.ToString(),
                autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName, StorageMetrics.MeterName, "System.Runtime")
                .AddPrometheusExporter());
    }
}
