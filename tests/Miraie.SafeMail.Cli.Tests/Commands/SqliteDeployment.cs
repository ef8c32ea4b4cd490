using System.Data.Common;
using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary>
/// A single-node deployment on SQLite, made by a real gateway process in its own data directory, and what it is moved
/// into: the PostgreSQL schema (TestDatabase) of a second data directory, where a PostgreSQL node then runs.
/// </summary>
internal sealed class SqliteDeployment : IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, string> OnSqlite = new Dictionary<string, string>();
    private GatewayProcess? _gateway;

    public SqliteDeployment()
    {
        Work = Directory.CreateTempSubdirectory("safemail-move-").FullName;
        Source = Path.Combine(Work, "sqlite");
        Node = Path.Combine(Work, "node");
        Directory.CreateDirectory(Source);
        Directory.CreateDirectory(Node);
    }

    public string Work { get; }

    /// <summary>The SQLite deployment's data directory (what <c>--from</c> names).</summary>
    public string Source { get; }

    /// <summary>The PostgreSQL node's data directory; its TestDatabase schema is the target.</summary>
    public string Node { get; }

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("not started");

    /// <summary>Starts the SQLite gateway; with the upstream down, mail that passes stays queued.</summary>
    public async Task StartAsync(bool upstreamDown = true) =>
        _gateway = await GatewayProcess.StartAsync(Source, GatewaySettings.For(Source, "single-node", upstreamDown ? GatewaySettings.ClosedPort() : null), OnSqlite);

    /// <summary>Stops the SQLite gateway the hard way (SIGKILL): what the move must cope with is whatever it left.</summary>
    public async Task StopAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway = null;
        }
    }

    /// <summary>A gateway on PostgreSQL (the target), delivering into its pickup folder: the upstream is up.</summary>
    public Task<GatewayProcess> StartNodeAsync() => GatewayProcess.StartAsync(Node, GatewaySettings.For(Node, "pg-node-1", null));

    public Task<SafemailProcess.Result> MigrateAsync(string language = "en") =>
        SafemailProcess.RunInAsync(language, new Dictionary<string, string>(TestDatabase.Environment(Node)) { ["SafeMail__Gateway__DataDirectory"] = Node },
            "db", "migrate-to-postgres", "--from", Source);

    public Task<SafemailProcess.Result> OnSourceAsync(string? input, params string[] args) => SafemailProcess.RunWithInputAsync(input, "en",
        new Dictionary<string, string> { ["SafeMail__Gateway__DataDirectory"] = Source, ["SafeMail__Gateway__DatabaseProvider"] = "Sqlite" }, args);

    public Task<SafemailProcess.Result> OnNodeAsync(string? input, params string[] args) =>
        SafemailProcess.RunWithInputAsync(input, "en", new Dictionary<string, string> { ["SafeMail__Gateway__DataDirectory"] = Node }, args);

    /// <summary>The source's store as the hosts open it (SQLite in <see cref="Source"/>).</summary>
    public ServiceProvider SourceServices() => Services(new Dictionary<string, string?> { ["SafeMail:Gateway:DataDirectory"] = Source });

    /// <summary>The target's store as a PostgreSQL node opens it (key ring in the database included).</summary>
    public ServiceProvider NodeServices() =>
        Services(new Dictionary<string, string?>(TestDatabase.Settings(Node)) { ["SafeMail:Gateway:DataDirectory"] = Node, ["SafeMail:Gateway:NodeId"] = "pg-test" });

    /// <summary>A stored message's bytes, read through the product's store (what the console shows and downloads).</summary>
    public static async Task<byte[]> BytesAsync(ServiceProvider services, string id)
    {
        var quarantine = services.GetRequiredService<QuarantineService>();
        var (message, _) = (await quarantine.ShowAsync(id))!.Value;
        await using var stream = await quarantine.OpenOriginalAsync(message);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Every row <paramref name="sql"/> selects, each as its values joined (integers widened), to compare two databases.</summary>
    public static async Task<List<string>> RowsAsync(SafeMailDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL"
                : reader.GetValue(i) is int or long ? Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>How many tables the target schema has (0 before anything touched it) and how many rows they hold, schema_version aside.</summary>
    public async Task<(int Tables, long Rows)> TargetContentAsync()
    {
        using var target = TestDatabase.Open(Node);
        await using var connection = await target.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'schema_version'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        long rows = 0;
        foreach (var table in tables)
        {
            rows += await ScalarAsync(connection, $"SELECT COUNT(*) FROM \"{table}\"");
        }

        return (tables.Count, rows);
    }

    public static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<string> SendSampleAsync(string sample)
    {
        var message = await MimeMessage.LoadAsync(Path.Combine(SafemailProcess.RepositoryRoot, "docs", "samples", sample));
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        return await SendAsync(message);
    }

    public async Task<string> SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient { LocalDomain = "client.test" };
        await client.ConnectAsync("127.0.0.1", Gateway.Smtp.Port, SecureSocketOptions.None);
        try
        {
            var reply = await client.SendAsync(message);
            return reply[(reply.LastIndexOf(' ') + 1)..];
        }
        finally
        {
            await client.DisconnectAsync(true);
        }
    }

    /// <summary>Waits until <paramref name="count"/> messages are in the pickup folder of <paramref name="data"/>; returns their ids.</summary>
    public static async Task<List<string>> PickedUpAsync(string data, int count)
    {
        var pickup = Path.Combine(data, "pickup");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (!Directory.Exists(pickup) || Directory.GetFiles(pickup, "*.envelope.json").Length < count))
        {
            await Task.Delay(100);
        }

        return Directory.Exists(pickup) ? [.. Directory.GetFiles(pickup, "*.eml").Select(f => Path.GetFileNameWithoutExtension(f))] : [];
    }

    public static bool EndsWith(byte[] all, byte[] tail) => all.Length >= tail.Length && all.AsSpan(all.Length - tail.Length).SequenceEqual(tail);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(Work, recursive: true);
    }

    private static ServiceProvider Services(IDictionary<string, string?> settings) => new ServiceCollection()
        .AddLogging()
        .AddSafeMailGateway(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), run: false)
        .BuildServiceProvider();
}
