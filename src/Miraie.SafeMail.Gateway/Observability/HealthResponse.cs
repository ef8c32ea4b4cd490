using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Miraie.SafeMail.Gateway.Observability;

/// <summary>
/// The body of <c>/health/live</c> and <c>/health/ready</c>: the overall status and one line per check, as JSON — what a
/// person reading it with curl needs to know which part failed. Nothing in it is secret: the check descriptions name
/// components and errors, never settings or connection strings.
/// </summary>
public static class HealthResponse
{
    /// <summary>Writes <paramref name="report"/> (the status code is set by the health check middleware: 200, or 503 when unhealthy).</summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description ?? entry.Exception?.Message ?? "");
            json.WriteNumber("ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
