using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Observability;

// safemail-gateway [--settings FILE] [--SafeMail:Smtp:Endpoints:0:Port=2525 …]
// Settings: the file given with --settings (or SAFEMAIL_SETTINGS), watched for changes (the policy reloads without a
// restart); then environment variables (SafeMail__…); then the command line. Embedded defaults: SQLite and folders
// under ./.data, SMTP on 127.0.0.1:2525, delivery into ./.data/pickup.
// The host's own defaults are off on purpose: they watch appsettings.json in the working directory with a recursive
// file watcher — under systemd that directory is "/" — which costs CPU on every file change on the machine.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
var settings = SettingsFile(args) ?? Environment.GetEnvironmentVariable("SAFEMAIL_SETTINGS");
if (settings is not null)
{
    if (!File.Exists(settings))
    {
        Console.Error.WriteLine($"safemail-gateway: 設定ファイルが見つかりません / settings file not found: {settings}");
        return 66;
    }

    builder.Configuration.AddJsonFile(Path.GetFullPath(settings), optional: false, reloadOnChange: true);
}

builder.Configuration.AddEnvironmentVariables();
builder.Configuration.AddCommandLine(args.Where((a, i) => a != "--settings" && (i == 0 || args[i - 1] != "--settings")).ToArray());
builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));

builder.Services.AddSystemd();
builder.Logging.ClearProviders();
if (builder.Configuration["Logging:Console:FormatterName"] == "json")
{
    builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
}
else
{
    builder.Logging.AddSimpleConsole(o =>
    {
        o.IncludeScopes = false; // every gateway line names its queue id itself; JSON logs carry it as a scope property too
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ";
    });
}

builder.Logging.LeaveStartFailuresToTheProgram();
try
{
    builder.Services.AddSafeMailObservability(builder.Configuration, "safemail-gateway", gateway: true); // first: metrics count from the first message
    builder.Services.AddSafeMailGateway(builder.Configuration);
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (Exception e) when (StartupRefusals.Problems(e) is { } problems)
{
    return StartupRefusals.Report("safemail-gateway", problems);
}

static string? SettingsFile(string[] args)
{
    var index = Array.IndexOf(args, "--settings");
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

/// <summary>
/// The entry point, kept internal: the ASP.NET Core framework (here for the observability listener) would otherwise make it
/// public, and safemail-web's own public Program (for WebApplicationFactory) would then be ambiguous in its tests.
/// </summary>
internal partial class Program;
