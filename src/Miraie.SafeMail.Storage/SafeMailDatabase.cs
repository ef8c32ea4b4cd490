using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Miraie.SafeMail.Storage;

/// <summary>
/// Opens connections to the product's database and brings its schema up to date, on either provider (ADR-014).
/// SQLite (the embedded default) in WAL mode with <c>synchronous=FULL</c>; PostgreSQL with its durable defaults
/// (<c>synchronous_commit</c> on): either way a committed transaction survives a power cut, which is what lets the
/// gateway answer 250 right after its commit. Migrations are plain SQL files embedded in the assembly, one folder per
/// provider, applied in order once, under a lock so that nodes starting at the same moment apply each exactly once.
/// </summary>
public sealed class SafeMailDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    /// <summary>Uses <paramref name="connectionString"/> for <paramref name="provider"/>.</summary>
    public SafeMailDatabase(string connectionString, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        _connectionString = connectionString;
        Provider = provider;
        Dialect = provider == DatabaseProvider.PostgreSql ? SqlDialect.PostgreSql : SqlDialect.Sqlite;
        if (provider == DatabaseProvider.PostgreSql)
        {
            _postgres = new NpgsqlDataSourceBuilder(connectionString) { Name = "safemail" }.Build();
        }
    }

    /// <summary>The engine behind this database.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>Where the SQL of <see cref="Provider"/> differs.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>
    /// The database of a data directory: with SQLite, <c>safemail.db</c> in it (or the configured connection string);
    /// with PostgreSQL, the configured connection string (required). The data directory is made private first
    /// (<see cref="Spool.PrivateFiles"/>): every host opens its store through here.
    /// </summary>
    public static SafeMailDatabase For(string dataDirectory, string? connectionString = null, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        Spool.PrivateFiles.Secure(dataDirectory);
        if (provider == DatabaseProvider.PostgreSql)
        {
            return new SafeMailDatabase(connectionString ?? throw new ArgumentNullException(nameof(connectionString)), provider);
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(Path.GetFullPath(dataDirectory), "safemail.db"),
                Pooling = true,
            }.ToString();
        }

        return new SafeMailDatabase(connectionString);
    }

    /// <summary>An open connection with what every connection needs.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        // cache_size/mmap_size: the console's filtered lists scan the messages table; with SQLite's 2 MB default cache every
        // scan went back to the file. 64 MB of cache per pooled connection and reads through the page cache keep it in memory.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; " +
                             "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc/>
    public void Dispose() => _postgres?.Dispose();

    /// <summary>
    /// Applies every migration not yet applied, each in its own transaction. Safe to call from several processes at once:
    /// with PostgreSQL the whole run holds an advisory lock (the first node migrates, the others wait and find nothing
    /// left to do); with SQLite each migration's transaction takes the write lock before it checks.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (Provider == DatabaseProvider.PostgreSql)
        {
            await using var lockCommand = connection.CreateCommand();
            lockCommand.CommandText = "SELECT pg_advisory_lock(@key)";
            Sql.Add(lockCommand, "@key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false); // released when the connection closes
        }

        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var known = Migrations(Provider).ToList();
        // Two files with one number (e.g. from two branches merged) would apply only the first and skip the other for good.
        if (known.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"Two database migrations share version {twice.Key}: renumber one of them.");
        }

        await using (var newest = connection.CreateCommand())
        {
            // An older program on a newer database would write rows the newer schema does not expect (a rollback done
            // by reinstalling the previous version): refuse, and say what to do instead.
            newest.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
            var found = Convert.ToInt32(await newest.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            var mine = known.Count == 0 ? 0 : known.Max(m => m.Version);
            if (found > mine)
            {
                throw new Core.Settings.SettingsException([
                    $"SafeMail:Gateway:DataDirectory: データベースはこのプログラムより新しい版で更新されています（スキーマ {found}、このプログラムは {mine} まで）。" +
                    "新しい版を使うか、更新前に取ったバックアップを復元してください / " +
                    $"the database was upgraded by a newer version (schema {found}; this program knows up to {mine}): run the newer version, " +
                    "or restore the backup taken before the upgrade",
                ]);
            }
        }

        foreach (var (version, sql) in known)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT COUNT(*) FROM schema_version WHERE version = @v";
            Sql.Add(check, "@v", version);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                continue;
            }

            await using var apply = connection.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = sql + ";\nINSERT INTO schema_version (version, applied_at) VALUES (@v, @at)";
            Sql.Add(apply, "@v", version);
            Sql.Add(apply, "@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The advisory lock key migrations hold in PostgreSQL (any constant, the same in every node).</summary>
    private const long MigrationLockKey = 0x5AFE_3A11_0001;

    private static IEnumerable<(int Version, string Sql)> Migrations(DatabaseProvider provider)
    {
        var assembly = typeof(SafeMailDatabase).Assembly;
        var prefix = $"Miraie.SafeMail.Storage.Migrations.{provider}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = name[prefix.Length..];
            var version = int.Parse(file[..file.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (version, reader.ReadToEnd());
        }
    }
}
