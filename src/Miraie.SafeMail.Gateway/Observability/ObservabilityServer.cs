using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Settings;
using OpenTelemetry.Metrics;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// The observability listener: a small Kestrel server of its own (not the console's, not SMTP) on
/// <see cref="ObservabilityOptions.Urls"/>, serving <c>/metrics</c> (the host's OpenTelemetry meters in Prometheus
/// text), <c>/health/live</c> (the process answers) and <c>/health/ready</c> (<see cref="ReadinessChecks"/>). Bound
/// while the host starts: an address in use stops the start with one line naming the key, like the SMTP endpoints.
/// </summary>
public sealed class ObservabilityServer(IOptions<ObservabilityOptions> options, IServiceProvider services, bool gateway) : IHostedService, IAsyncDisposable
{
    private const string Ready = "ready";
    private WebApplication? _app;

    /// <summary>The addresses listening (real ports when configured with port 0); empty when off or not started.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <inheritdoc/>
    /// <exception cref="SettingsException">An address cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger<ObservabilityServer>();
        var (endpoints, _) = ObservabilityUrls.Parse(options.Value); // validated at start
        if (endpoints.Count == 0)
        {
            logger.LogInformation("observability listener off ({Key} is empty)", ObservabilityOptions.SectionName + ":Urls");
            return;
        }

        var meterProvider = services.GetRequiredService<MeterProvider>(); // listening from here on
        services.GetRequiredService<Metrics.GatewayMetrics>().StartSeries();
        var app = Build(endpoints, loggers, meterProvider);
        await InnerServer.StartAsync(app, ObservabilityOptions.SectionName + ":Urls", endpoints, cancellationToken).ConfigureAwait(false);
        _app = app;
        Addresses = [.. app.Urls.Select(u => new Uri(u))];
        var health = app.Services.GetRequiredService<HealthCheckService>();
        services.GetRequiredService<IMeterFactory>().Create(Metrics.GatewayMetrics.MeterName).CreateObservableGauge("safemail.ready", () => Readiness(health),
            description: "1 when /health/ready would answer 200 (this process can accept mail durably), 0 when it would answer 503");
        logger.LogInformation("observability on {Urls}: /metrics, /health/live, /health/ready", string.Join(", ", app.Urls));
    }

    /// <summary>The readiness checks, for a gauge: synchronous by the gauge API, bounded (each check answers within its timeout).</summary>
    private static int Readiness(HealthCheckService health)
    {
        var report = health.CheckHealthAsync(r => r.Tags.Contains(Ready));
        return report.Wait(ReadinessChecks.Timeout + TimeSpan.FromSeconds(1)) && report.Result.Status == HealthStatus.Healthy ? 1 : 0;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private WebApplication Build(IReadOnlyList<ObservabilityUrls.Endpoint> endpoints, ILoggerFactory loggers, MeterProvider meterProvider)
    {
        // An empty builder: no appsettings.json from the working directory, no file watchers, no HTTPS, nothing but Kestrel.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "safemail-observability" });
        InnerServer.Listen(builder, endpoints, maxConnections: 64, maxRequestBody: 0);
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers)); // the host's own log, without a line per scrape
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning); // the host says it started, once
        builder.Services.AddSingleton<IHostLifetime, HostOwnsTheSignals>();
        var checks = services.GetRequiredService<ReadinessChecks>();
        var health = builder.Services.AddHealthChecks()
            .AddAsyncCheck("process", checks.ProcessAsync, [Ready])
            .AddAsyncCheck("database", checks.DatabaseAsync, [Ready]);
        if (gateway)
        {
            // The spool on both providers: accepted message bytes go to its segments on PostgreSQL too (for now), and mail
            // past the spill threshold to spool/incoming on either; a 250 needs both writable.
            health.AddAsyncCheck("spool", checks.SpoolAsync, [Ready]).AddAsyncCheck("smtp", checks.SmtpAsync, [Ready]);
        }

        var app = builder.Build();
        app.Use((context, next) =>
        {
            // Scrapes and probes are not the console's HTTP traffic: kept out of http.server.request.duration.
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { } tags)
            {
                tags.MetricsDisabled = true;
            }

            return next(context);
        });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, c => c.Request.Path == "/metrics", null, null, null);
        app.UseHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.UseHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(Ready), ResponseWriter = HealthResponse.WriteAsync });
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }
}
