using System.Diagnostics;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A PostgreSQL cluster of a test's own (tests/postgres.sh in a private folder), for tests that stop the server: halting
/// the shared one would break every other test running. Needs Debian's postgresql, as the PostgreSQL run does.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory;

    private PostgresServer(string directory, string connectionString)
    {
        _directory = directory;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        Password = builder.Password!;
        builder.Password = null;
        ConnectionString = builder.ConnectionString;
    }

    /// <summary>The connection string without the password.</summary>
    public string ConnectionString { get; }

    /// <summary>The role's password (given to the gateway through its environment-only setting).</summary>
    public string Password { get; }

    /// <summary>Gateway settings that put its data into this cluster.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["SafeMail:Gateway:DatabaseProvider"] = "PostgreSql",
        ["SafeMail:Gateway:ConnectionString"] = ConnectionString,
        ["SafeMail:Gateway:DatabasePassword"] = Password,
    };

    /// <summary>initdb and start a new cluster on a free port.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "safemail-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var output = await ScriptAsync(directory, "start");
        return new PostgresServer(directory, output.Trim().Split('\n')[^1]);
    }

    /// <summary>Stops the server at once, as a crash or a network loss would (pg_ctl -m immediate).</summary>
    public Task HaltAsync() => ScriptAsync(_directory, "halt");

    /// <summary>Starts the halted server again on the same port.</summary>
    public Task ResumeAsync() => ScriptAsync(_directory, "resume");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await ScriptAsync(_directory, "stop");

    private static async Task<string> ScriptAsync(string directory, string command)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RawMail.FindRoot(), "tests", "postgres.sh"), command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SAFEMAIL_PG_DIR"] = directory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output
            : throw new InvalidOperationException($"tests/postgres.sh {command} failed ({process.ExitCode}): {await error}");
    }
}
