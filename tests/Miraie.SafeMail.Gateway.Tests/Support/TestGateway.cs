using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Gateway.Observability;
using Miraie.SafeMail.Gateway.Smtp;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A real gateway host in this process: its own temporary data directory, SMTP on 127.0.0.1 port 0, the given
/// settings on top of test defaults (internal domain example.co.jp, delivery into the pickup folder).
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _ownsDirectory;

    private TestGateway(IHost host, string dataDirectory, bool ownsDirectory, LogCollector logs)
    {
        Logs = logs;
        _host = host;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>What the gateway logged at Warning and above.</summary>
    public LogCollector Logs { get; }

    public IPEndPoint Smtp => Get<SmtpListenerService>().Endpoints[0];

    public string PickupDirectory => Path.Combine(DataDirectory, "pickup");

    /// <summary>The observability listener's address (started with <c>observability: true</c>).</summary>
    public Uri Observability => Get<ObservabilityServer>().Addresses[0];

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="settings">Settings over the test defaults.</param>
    /// <param name="dataDirectory">An existing data directory (a restart); default a fresh temporary one, deleted on dispose.</param>
    /// <param name="settingsFile">A JSON settings file read after the test defaults and watched for changes, as the service does with --settings.</param>
    /// <param name="services">Replacements registered after the gateway's own (e.g. a Graph sender pointed at a fake Graph).</param>
    /// <param name="observability">With the observability listener (/metrics, /health/*) on a free loopback port, as safemail-gateway runs it.</param>
    public static async Task<TestGateway> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null, string? settingsFile = null,
        Action<IServiceCollection>? services = null, bool observability = false)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("safemail-gw-").FullName;
        var values = new Dictionary<string, string?>
        {
            ["SafeMail:Gateway:DataDirectory"] = dataDirectory,
            ["SafeMail:Gateway:ServerName"] = "gw.test.example.co.jp",
            ["SafeMail:Gateway:NodeId"] = "test-node",
            ["SafeMail:Smtp:Endpoints:0:Address"] = "127.0.0.1",
            ["SafeMail:Smtp:Endpoints:0:Port"] = "0",
            ["SafeMail:Policy:InternalDomains:0"] = "example.co.jp",
            ["SafeMail:Delivery:InitialRetryDelay"] = "00:00:01",
            ["SafeMail:Delivery:MaxRetryDelay"] = "00:00:02",
            ["SafeMail:Observability:Urls"] = "http://127.0.0.1:0",
            ["SafeMail:Download:Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in TestDatabase.Settings(dataDirectory).Concat(settings ?? new Dictionary<string, string?>()))
        {
            values[key] = value;
        }

        var logs = new LogCollector();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dataDirectory });
        builder.Configuration.AddInMemoryCollection(values);
        if (settingsFile is not null)
        {
            builder.Configuration.AddJsonFile(settingsFile, optional: false, reloadOnChange: true);
        }

        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(logs);
        if (observability)
        {
            builder.Services.AddSafeMailObservability(builder.Configuration, "safemail-gateway", gateway: true);
        }

        builder.Services.AddSafeMailGateway(builder.Configuration);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var gateway = new TestGateway(host, dataDirectory, owns, logs);
        await gateway.Get<SmtpListenerService>().Started.WaitAsync(TimeSpan.FromSeconds(30));
        return gateway;
    }

    /// <summary>
    /// Breaks the spool for real: the current segment is closed and the folder replaced by a file, so creating the next
    /// segment (or any spool file) fails. <see cref="RepairSpoolAsync"/> puts it back.
    /// </summary>
    public async Task BreakSpoolAsync()
    {
        await Get<SafeMail.Storage.Messages.StoreWriter>().RunAsync((_, _) =>
        {
            Get<SafeMail.Storage.Spool.SpoolStore>().Seal();
            return Task.CompletedTask;
        });
        var spool = Path.Combine(DataDirectory, "spool");
        Directory.Move(spool, spool + ".saved");
        await File.WriteAllTextAsync(spool, "not a directory");
        if (TestDatabase.IsPostgreSql)
        {
            // With PostgreSQL queued mail's bytes go to message_bytes, not to a segment: break that too, as a full disk would.
            await SqlAsync("ALTER TABLE message_bytes RENAME TO message_bytes_broken");
        }
    }

    /// <summary>Undoes <see cref="BreakSpoolAsync"/>.</summary>
    public async Task RepairSpoolAsync()
    {
        var spool = Path.Combine(DataDirectory, "spool");
        File.Delete(spool);
        Directory.Move(spool + ".saved", spool);
        if (TestDatabase.IsPostgreSql)
        {
            await SqlAsync("ALTER TABLE message_bytes_broken RENAME TO message_bytes");
        }
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = await Get<SafeMail.Storage.SafeMailDatabase>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Delivery to a plain-SMTP smarthost on 127.0.0.1 (a <see cref="CapturingSmtpServer"/>) at <paramref name="port"/>.</summary>
    public static Dictionary<string, string?> Smarthost(int port) => new()
    {
        ["SafeMail:Delivery:Smarthost:Host"] = "127.0.0.1",
        ["SafeMail:Delivery:Smarthost:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SafeMail:Delivery:Smarthost:Tls"] = "None",
    };

    /// <summary>A policy that rejects executables (rule <c>no-executables</c>) and passes the rest.</summary>
    public static Dictionary<string, string?> RejectExecutables() => new()
    {
        ["SafeMail:Policy:Rules:0:Name"] = "no-executables",
        ["SafeMail:Policy:Rules:0:Action"] = "Reject",
        ["SafeMail:Policy:Rules:0:When:Attachment:Kinds:0"] = "executable",
        ["SafeMail:Policy:Rules:1:Name"] = "rest",
        ["SafeMail:Policy:Rules:1:Action"] = "Pass",
    };

    /// <summary>Stops the host but keeps the data directory (to start another gateway on it: a restart).</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }

    /// <summary>Whether a stored message's bytes are still kept: its file (SQLite) or its <c>message_bytes</c> row (PostgreSQL).</summary>
    public async Task<bool> HasStoredBytesAsync(SafeMail.Storage.Messages.MessageRecord message)
    {
        if (!TestDatabase.IsPostgreSql)
        {
            return message.FilePath is { } path && File.Exists(Path.Combine(DataDirectory, path));
        }

        await using var connection = await Get<SafeMail.Storage.SafeMailDatabase>().OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM message_bytes WHERE message_id = @id";
        SafeMail.Storage.Sql.Add(count, "@id", message.Id);
        return (long)(await count.ExecuteScalarAsync())! == 1;
    }

    /// <summary>The stored record of one message (null for an unknown id).</summary>
    public async Task<SafeMail.Storage.Messages.MessageRecord?> RecordAsync(string id)
    {
        await using var connection = await Get<SafeMail.Storage.SafeMailDatabase>().OpenAsync();
        return await SafeMail.Storage.Messages.MessageTable.GetAsync(connection, id);
    }

    /// <summary>The audit entries of one message, oldest first.</summary>
    public async Task<IReadOnlyList<SafeMail.Storage.Audit.AuditEntry>> HistoryAsync(string id)
    {
        await using var connection = await Get<SafeMail.Storage.SafeMailDatabase>().OpenAsync();
        return await SafeMail.Storage.Audit.AuditLog.ForMessageAsync(connection, id);
    }

    /// <summary>Waits until the pickup folder holds <paramref name="count"/> delivered messages (each marked complete by its envelope file).</summary>
    public async Task<IReadOnlyList<string>> WaitForPickupAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var done = Directory.Exists(PickupDirectory)
                ? Directory.GetFiles(PickupDirectory, "*.envelope.json").Select(f => f[..^".envelope.json".Length] + ".eml").Order().ToList()
                : [];
            if (done.Count >= count || DateTime.UtcNow > deadline)
            {
                return done;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (ObjectDisposedException)
        {
        }

        _host.Dispose();
        if (_ownsDirectory)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
