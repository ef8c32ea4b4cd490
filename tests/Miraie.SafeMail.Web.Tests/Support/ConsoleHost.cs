using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>
/// The real console host (gateway included) on a real SQLite file in a temporary data directory, SMTP on a free
/// loopback port, with one account per role: admin, operator, auditor (password <see cref="Password"/>).
/// </summary>
internal sealed partial class ConsoleHost : WebApplicationFactory<Program>
{
    public const string Password = "Correct-Horse-9";

    private readonly Dictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _testServices;

    private readonly string _environment;

    private readonly bool _ownsDirectory;

    private ConsoleHost(string dataDirectory, bool ownsDirectory, Dictionary<string, string?> settings, Action<IServiceCollection>? testServices, string environment)
    {
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        _settings = settings;
        _testServices = testServices;
        _environment = environment;
    }

    public string DataDirectory { get; }

    public string PickupDirectory => Path.Combine(DataDirectory, "pickup");

    /// <summary>Waits until the pickup folder holds <paramref name="count"/> delivered messages (each complete once its envelope file exists); the .eml paths.</summary>
    public async Task<IReadOnlyList<string>> WaitForPickupAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var done = Directory.Exists(PickupDirectory)
                ? Directory.GetFiles(PickupDirectory, "*.envelope.json").Select(f => f[..^".envelope.json".Length] + ".eml").ToList()
                : [];
            if (done.Count >= count || DateTime.UtcNow > deadline)
            {
                return done;
            }

            await Task.Delay(50);
        }
    }

    public IPEndPoint Smtp => Services.GetRequiredService<SmtpListenerService>().Endpoints[0];

    public SafeMailDatabase Database => Services.GetRequiredService<SafeMailDatabase>();

    /// <summary>The observability listener's address (/metrics, /health/*), apart from the console's own.</summary>
    public Uri Observability => Services.GetRequiredService<Miraie.SafeMail.Gateway.Observability.ObservabilityServer>().Addresses[0];

    /// <summary>Every audit row, oldest first (actor, action, detail).</summary>
    public async Task<List<(string Actor, string Action, string Detail)>> AuditAsync()
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor, action, coalesce(detail, '') FROM audit ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The console's address when started with a real socket (<c>kestrel: true</c>), for a real browser.</summary>
    public Uri? BaseAddress { get; private set; }

    // testServices: replaces services after the host's own (e.g. where Entra ID's metadata is fetched from).
    // environment: Production, as safemail-web runs unless ASPNETCORE_ENVIRONMENT says otherwise (WebApplicationFactory's
    // own default would be Development).
    // sharedWith: a second console node on the first one's data directory and database (console only: one gateway per
    // data directory); the first host deletes the directory.
    public static async Task<ConsoleHost> StartAsync(IDictionary<string, string?>? settings = null, bool kestrel = false,
        Action<IServiceCollection>? testServices = null, string environment = "Production", X509Certificate2? httpsCertificate = null,
        ConsoleHost? sharedWith = null)
    {
        var directory = sharedWith?.DataDirectory ?? Directory.CreateTempSubdirectory("safemail-web-").FullName;
        var values = new Dictionary<string, string?>
        {
            ["SafeMail:Gateway:DataDirectory"] = directory,
            ["SafeMail:Gateway:ServerName"] = "gw.test.example.co.jp",
            ["SafeMail:Gateway:NodeId"] = "web-test",
            ["SafeMail:Smtp:Endpoints:0:Address"] = "127.0.0.1",
            ["SafeMail:Smtp:Endpoints:0:Port"] = "0",
            ["SafeMail:Policy:InternalDomains:0"] = "example.co.jp",
            ["SafeMail:Observability:Urls"] = "http://127.0.0.1:0", // never the fixed default port
            ["SafeMail:Download:Urls"] = "http://127.0.0.1:0",
        };
        if (sharedWith is not null)
        {
            values["SafeMail:Console:RunGateway"] = "false";
            values["SafeMail:Gateway:NodeId"] = "web-test-2";
        }

        foreach (var (key, value) in TestDatabase.Settings(directory).Concat(settings ?? new Dictionary<string, string?>()))
        {
            values[key] = value;
        }

        var host = new ConsoleHost(directory, sharedWith is null, values, testServices, environment);
        if (kestrel)
        {
            host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (httpsCertificate is not null)
                {
                    listen.UseHttps(httpsCertificate);
                }
            }));
            host.StartServer();
            var addresses = host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
            host.BaseAddress = new Uri(addresses.First());
        }
        else
        {
            _ = host.Server; // starts the host (and the gateway in it)
        }

        if (sharedWith is not null)
        {
            return host; // the accounts are the first host's
        }

        if (!values.TryGetValue("SafeMail:Console:RunGateway", out var runGateway) || runGateway != "false")
        {
            await host.Services.GetRequiredService<SmtpListenerService>().Started.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var connection = await host.Database.OpenAsync();
        foreach (var role in ConsoleRoles.All)
        {
            await ConsoleUsers.AddAsync(connection, role + "1", Password, role, DateTimeOffset.UtcNow);
        }

        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_testServices is not null)
        {
            builder.ConfigureTestServices(_testServices);
        }
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed (so tests see them).</summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client signed in as <paramref name="user"/> (or anonymous when null).</summary>
    public async Task<HttpClient> SignedInAsync(string? user)
    {
        var client = Client();
        if (user is null)
        {
            return client;
        }

        var response = await PostFormAsync(client, "/login", new() { ["name"] = user, ["password"] = Password });
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{user} signs in");
        return client;
    }

    /// <summary>GETs <paramref name="tokenPage"/> for an antiforgery token, then posts the form with it.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields, string? tokenPage = null,
        bool withToken = true)
    {
        if (withToken)
        {
            fields["__RequestVerificationToken"] = await TokenAsync(client, tokenPage ?? "/login");
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public static async Task<string> TokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = TokenPattern().Match(html);
        match.Success.Should().BeTrue($"{page} carries an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
