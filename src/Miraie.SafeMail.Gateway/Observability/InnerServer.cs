using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>What the small Kestrel servers inside a host (observability, the download page) share: how they listen and how a bind failure reads.</summary>
internal static class InnerServer
{
    /// <summary>Kestrel on <paramref name="endpoints"/> with no Server header and the given limits.</summary>
    public static void Listen(WebApplicationBuilder builder, IReadOnlyList<ObservabilityUrls.Endpoint> endpoints, int maxConnections, long maxRequestBody) =>
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = maxConnections;
            kestrel.Limits.MaxRequestBodySize = maxRequestBody;
            foreach (var endpoint in endpoints)
            {
                if (endpoint.Localhost && endpoint.Port != 0)
                {
                    kestrel.ListenLocalhost(endpoint.Port);
                }
                else
                {
                    kestrel.Listen(endpoint.Address, endpoint.Port);
                }
            }
        });

    /// <summary>Starts the server; an address that cannot be bound stops the host with one line naming <paramref name="key"/>.</summary>
    /// <exception cref="SettingsException">An address cannot be bound.</exception>
    public static async Task StartAsync(WebApplication app, string key, IReadOnlyList<ObservabilityUrls.Endpoint> endpoints, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            var urls = string.Join("; ", endpoints.Select(ObservabilityUrls.Format));
            throw new SettingsException([e.InnerException is AddressInUseException
                ? PolicyTexts.Invalid(key,
                    $"{urls} は別のプログラムが使用中です（同じコンピューターのゲートウェイとコンソールには別々のポートを指定してください）",
                    $"{urls} is already in use by another program (a gateway and a console on one machine need different ports)")
                : PolicyTexts.Invalid(key, $"{urls} で待ち受けできません（{e.Message}）", $"cannot listen on {urls} ({e.Message})")]);
        }
    }
}
