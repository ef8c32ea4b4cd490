using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Observability;
using Miraie.SafeMail.Web;
using Miraie.SafeMail.Web.AddIn;

// safemail-web [--settings FILE] [--SafeMail:Console:Urls=http://127.0.0.1:5080 …]
// The console and, by default, the gateway in one process over the same data directory: SQLite and folders under
// ./.data, SMTP on 127.0.0.1:2525, delivery into ./.data/pickup, the console on http://127.0.0.1:5080.
// Content root is the program's folder (pages and static files), never the working directory, which holds the data.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseStaticWebAssets(); // from a build (dotnet run) the files are mapped from the project; a no-op once published
builder.Configuration.Sources.Clear(); // no appsettings.json from the working directory: --settings, environment, command line
var settings = SettingsFile(args) ?? Environment.GetEnvironmentVariable("SAFEMAIL_SETTINGS");
if (settings is not null)
{
    if (!File.Exists(settings))
    {
        Console.Error.WriteLine($"safemail-web: 設定ファイルが見つかりません / settings file not found: {settings}");
        return 66;
    }

    builder.Configuration.AddJsonFile(Path.GetFullPath(settings), optional: false, reloadOnChange: true);
}

builder.Configuration.AddEnvironmentVariables();
builder.Configuration.AddCommandLine(args.Where((a, i) => a != "--settings" && (i == 0 || args[i - 1] != "--settings")).ToArray());

ConsoleOptions console;
AddInOptions addIn;
try
{
    console = ConsoleSettings.Bind(builder.Configuration);
    addIn = AddInSettings.Bind(builder.Configuration);
}
catch (SettingsException e)
{
    foreach (var error in e.Errors)
    {
        Console.Error.WriteLine($"safemail-web: {error}");
    }

    return 78;
}

builder.Logging.ClearProviders();
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // not a line per request; "Logging" settings can still turn it up
// Add-in token checks: Microsoft.IdentityModel writes an Error line for every refused token (an expired one included);
// the add-in middleware writes one short line of its own instead. "Logging" settings can still turn it up.
builder.Logging.AddFilter("Microsoft.IdentityModel", LogLevel.Critical);
builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ";
});
builder.WebHost.UseUrls(console.Urls);
builder.Services.AddSystemd(); // under systemd (docs/deploy/safemail-web.service): Type=notify and journal-friendly logs; a no-op elsewhere
builder.Logging.LeaveStartFailuresToTheProgram();
try
{
    // First, so metrics count from the first message; the console's own HTTP metrics (ASP.NET Core's meter) beside the gateway's.
    builder.Services.AddSafeMailObservability(builder.Configuration, "safemail-web", gateway: console.RunGateway)
        .WithMetrics(m => m.AddMeter("Microsoft.AspNetCore.Hosting"));
    builder.Services.AddSafeMailGateway(builder.Configuration, run: console.RunGateway);
    builder.Services.AddSafeMailConsole(console);
    builder.Services.AddSafeMailAddIn(addIn);
    builder.Services.AddSafeMailAddInAuthentication(addIn);
    var app = builder.Build();
    app.UseSafeMailConsole();
    if (addIn.DevelopmentMode)
    {
        app.Logger.LogWarning("開発モード: アドイン API は X-SafeMail-Dev-User ヘッダーを信用し、このコンピューターからの要求だけを受け付けます / " +
                              "DEVELOPMENT MODE: the add-in API trusts the X-SafeMail-Dev-User header and serves loopback clients only. Never in production.");
    }
    app.Lifetime.ApplicationStarted.Register(() =>
        Console.WriteLine($"SafeMail console: {string.Join(", ", app.Urls)}  (管理者の作成 / first admin: safemail users add NAME --role admin)"));
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupRefusals.Problems(e, inner => ConsoleAddressInUse(inner, console.Urls)) is { } problems)
{
    return StartupRefusals.Report("safemail-web", problems);
}

// Kestrel's refusal to bind the console's own address: the same one line as the gateway's port in use.
static string? ConsoleAddressInUse(Exception e, string urls) =>
    e is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException }
        ? $"SafeMail:Console:Urls: {urls} は別のプログラムが使用中です / {urls} is already in use by another program"
        : null;

static string? SettingsFile(string[] args)
{
    var i = Array.IndexOf(args, "--settings");
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
