using System.Security.Cryptography;
using System.Text;
using Miraie.SafeMail.Storage;
using Npgsql;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// Which database provider the suites run against. tests/run-all.sh runs every suite twice: on SQLite (the default) and
/// with <c>SAFEMAIL_TEST_PROVIDER=PostgreSql</c> against the throw-away cluster tests/postgres.sh starts
/// (<c>SAFEMAIL_TEST_POSTGRES</c> holds its connection string). Every data directory a test makes gets a PostgreSQL schema
/// of its own, named after the directory, so a restarted gateway finds its data again and tests never see each other's.
/// A test about SQLite's own files (the data directory's backup, file modes) pins SQLite for its folders with
/// <see cref="PinSqlite"/>: it then runs on SQLite in both runs and says so, rather than silently testing PostgreSQL.
/// </summary>
internal static class TestDatabase
{
    private const string ProviderVariable = "SAFEMAIL_TEST_PROVIDER";
    private const string ConnectionVariable = "SAFEMAIL_TEST_POSTGRES";

    /// <summary>The provider of this run.</summary>
    public static DatabaseProvider Provider { get; } =
        System.Environment.GetEnvironmentVariable(ProviderVariable) is { Length: > 0 } name ? Enum.Parse<DatabaseProvider>(name, ignoreCase: true) : DatabaseProvider.Sqlite;

    /// <summary>True when this run uses PostgreSQL.</summary>
    public static bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> SqliteFolders = new(StringComparer.Ordinal);

    /// <summary>
    /// Pins SQLite for <paramref name="folder"/> and every data directory under it, whatever this run's provider: for tests
    /// about SQLite's files themselves. Settings, environments and <see cref="Open"/> for those directories then name SQLite.
    /// </summary>
    public static void PinSqlite(string folder) => SqliteFolders[Path.GetFullPath(folder).TrimEnd('/') + "/"] = true;

    /// <summary>The provider the data of <paramref name="dataDirectory"/> is in: this run's, unless pinned to SQLite.</summary>
    public static DatabaseProvider ProviderFor(string dataDirectory)
    {
        var full = Path.GetFullPath(dataDirectory).TrimEnd('/') + "/";
        return SqliteFolders.Keys.Any(pinned => full.StartsWith(pinned, StringComparison.Ordinal)) ? DatabaseProvider.Sqlite : Provider;
    }

    private static bool InPostgreSql(string dataDirectory) => ProviderFor(dataDirectory) == DatabaseProvider.PostgreSql;

    /// <summary>Settings (configuration keys) that put the data of <paramref name="dataDirectory"/> into this run's provider.</summary>
    public static IReadOnlyDictionary<string, string?> Settings(string dataDirectory) =>
        InPostgreSql(dataDirectory) ? For(dataDirectory).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value) : new Dictionary<string, string?>();

    /// <summary>The same as environment variables, for a gateway or command line started as a separate process.</summary>
    public static IReadOnlyDictionary<string, string> Environment(string dataDirectory) =>
        InPostgreSql(dataDirectory) ? For(dataDirectory) : new Dictionary<string, string>();

    /// <summary>The database of <paramref name="dataDirectory"/> in this run's provider, opened as the hosts open it.</summary>
    public static SafeMailDatabase Open(string dataDirectory) => InPostgreSql(dataDirectory)
        ? SafeMailDatabase.For(dataDirectory, DatabaseSettings.PostgreSql(ConnectionFor(dataDirectory, out var password), password, "safemail tests"),
            DatabaseProvider.PostgreSql)
        : SafeMailDatabase.For(dataDirectory);

    /// <summary>The connection string of the run's cluster as tests/postgres.sh printed it (with the password): for a test's own setup.</summary>
    public static string AdminConnectionString =>
        System.Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{ProviderVariable}=PostgreSql needs {ConnectionVariable} (tests/postgres.sh start prints it)");

    private static Dictionary<string, string> For(string dataDirectory)
    {
        var connection = ConnectionFor(dataDirectory, out var password);
        return new Dictionary<string, string>
        {
            ["SafeMail__Gateway__DatabaseProvider"] = "PostgreSql",
            ["SafeMail__Gateway__ConnectionString"] = connection,
            ["SafeMail__Gateway__DatabasePassword"] = password,
        };
    }

    /// <summary>The connection string (without the password) of the schema for <paramref name="dataDirectory"/>, created if new.</summary>
    private static string ConnectionFor(string dataDirectory, out string password)
    {
        var admin = AdminConnectionString;
        var schema = "t_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..20];
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = $"CREATE SCHEMA IF NOT EXISTS {schema}";
            try
            {
                create.ExecuteNonQuery();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // created by another test at the same moment
            }
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema };
        password = builder.Password ?? "";
        builder.Password = null;
        return builder.ConnectionString;
    }
}
