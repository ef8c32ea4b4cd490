using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Spool;
using Npgsql;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>
/// Moves a single-node deployment — the SQLite database and the spool of one data directory — into an empty PostgreSQL
/// database that any number of nodes then share: every table row for row with its ids (identity counters moved past
/// them), the bytes of every queued and quarantined message, and the data-protection key ring.
/// <para>
/// Invariant: the target gets all of it, verified, or none of it. The source folder is locked against a gateway (and the
/// console that runs one) for the whole move and its database against any other writer; the target's tables are locked
/// and must be empty; everything is written in one PostgreSQL transaction, then read back in it and compared — rows per
/// table (count and content digest), each message's bytes (PostgreSQL's own SHA-256 against the source's), the keys — and
/// only then committed. Any failure rolls the transaction back: the target keeps its schema and no row. The source is
/// read, never changed (beyond bringing its schema up to this version, as any start of this version would).
/// </para>
/// </summary>
public static class PostgreSqlTransfer
{
    /// <summary>
    /// Columns written NULL: where a message's bytes lay on the old node's disk (they are in <c>message_bytes</c> now,
    /// which is where a PostgreSQL node looks when both are NULL), and the old node's delivery leases (it is stopped).
    /// </summary>
    private static readonly Dictionary<string, HashSet<string>> Cleared = new(StringComparer.Ordinal)
    {
        ["messages"] = new(StringComparer.Ordinal) { "segment", "segment_offset", "file_path", "lease_owner", "lease_until" },
    };

    /// <summary>
    /// Tables not moved. <c>node_status</c> is each running node's report of itself (endpoints, spool, last delivery,
    /// purge), rewritten every few seconds: the stopped SQLite node's row would only show in <c>safemail health</c> and on
    /// the dashboard as a node that stopped reporting — a false alarm for ever. The PostgreSQL nodes write their own.
    /// </summary>
    public static IReadOnlyList<string> NotMoved { get; } = ["node_status"];

    /// <summary>Moves the deployment in <paramref name="sourceDirectory"/> into <paramref name="target"/> (PostgreSQL, empty).</summary>
    /// <exception cref="TransferException">Refused or failed; nothing was committed.</exception>
    /// <exception cref="SettingsException">The source database was written by a newer version.</exception>
    public static async Task<TransferReport> RunAsync(string sourceDirectory, SafeMailDatabase target, CancellationToken cancellationToken = default)
    {
        if (target.Provider != DatabaseProvider.PostgreSql)
        {
            throw new ArgumentException("the target must be a PostgreSQL database", nameof(target));
        }

        var started = Stopwatch.GetTimestamp();
        var root = Path.GetFullPath(sourceDirectory);
        if (!File.Exists(Path.Combine(root, "safemail.db")))
        {
            throw new TransferException(TransferProblem.SourceMissing, new LocalizedText(
                $"移行元にデータベース（safemail.db）がありません: {root}", $"no SQLite database (safemail.db) in {root}"));
        }

        using var held = Lock(root);
        using var source = SafeMailDatabase.For(root);
        await source.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await target.MigrateAsync(cancellationToken).ConfigureAwait(false);

        await using var from = (SqliteConnection)await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var read = BeginWriteLocked(from, root);
        await using var to = (NpgsqlConnection)await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await CheckServerAsync(to, cancellationToken).ConfigureAwait(false);
        await using var write = await to.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var targetTables = await TargetTablesAsync(to, cancellationToken).ConfigureAwait(false);
        await LockEmptyAsync(to, targetTables.Keys, cancellationToken).ConfigureAwait(false);

        var copied = new List<(string Table, IReadOnlyList<TargetColumn> Columns, RowDigest Digest)>();
        foreach (var (table, columns) in await SourceTablesAsync(from, read, targetTables, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                copied.Add((table, columns, await TableCopier.CopyAsync(from, read, to, table, columns,
                    Cleared.GetValueOrDefault(table) ?? [], cancellationToken).ConfigureAwait(false)));
            }
            catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                throw new TransferException(TransferProblem.SourceDamaged, new LocalizedText(
                    $"{table} の行を PostgreSQL が受け付けません（{e.MessageText}{(e.Detail is { } d ? " " + d : "")}）。何もコミットしていません",
                    $"PostgreSQL refused a row of {table} ({e.MessageText}{(e.Detail is { } detail ? " " + detail : "")}); nothing was committed"));
            }
        }

        var bytes = await MessageBytesCopier.CopyAsync(from, read, root, to, cancellationToken).ConfigureAwait(false);
        var keys = await KeyRingCopier.CopyAsync(root, to, cancellationToken).ConfigureAwait(false);
        await MoveIdentitiesPastAsync(to, targetTables, cancellationToken).ConfigureAwait(false);

        foreach (var (table, columns, written) in copied)
        {
            if (!(await TableCopier.DigestAsync(to, table, columns, cancellationToken).ConfigureAwait(false)).SameAs(written))
            {
                throw new TransferException(TransferProblem.VerificationFailed, new LocalizedText(
                    $"PostgreSQL に書き込んだ {table} が移行元と一致しません（件数または内容）。何もコミットしていません",
                    $"{table} as written to PostgreSQL differs from the source (rows or content); nothing was committed"));
            }
        }

        await MessageBytesCopier.VerifyAsync(to, bytes, cancellationToken).ConfigureAwait(false);
        await KeyRingCopier.VerifyAsync(to, keys, cancellationToken).ConfigureAwait(false);
        await write.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new TransferReport([.. copied.Select(c => new TableCount(c.Table, c.Digest.Rows))], bytes.Count, bytes.Values.Sum(b => b.Size), keys.Count,
            Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Takes the data directory as a gateway does, so none can start on it meanwhile; refuses while one runs there.</summary>
    private static DataDirectoryLock Lock(string root)
    {
        try
        {
            return DataDirectoryLock.Acquire(root);
        }
        catch (SettingsException e)
        {
            throw new TransferException(TransferProblem.InUse, Holder(root) is { } pid
                ? new LocalizedText(
                    $"移行元 {root} は稼働中のゲートウェイまたはコンソール（pid {pid}）が使用しています。停止してから、もう一度実行してください。PostgreSQL には何も書き込んでいません",
                    $"{root} is in use by a running gateway or console (pid {pid}): stop it, then run this again. Nothing was written to PostgreSQL")
                : new LocalizedText($"移行元 {root} を確保できません: {string.Join(" ", e.Errors)}", $"cannot take {root}: {string.Join(" ", e.Errors)}"));
        }
    }

    /// <summary>The process named in <c>gateway.pid</c>, when it is alive.</summary>
    private static int? Holder(string root)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(Path.Combine(root, "gateway.pid")).Trim(), out var pid))
            {
                return null;
            }

            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts the reading transaction with SQLite's write lock held (BEGIN IMMEDIATE): one consistent snapshot, and no
    /// other process — a console running apart from its gateway — can change the source until the move is over (its writes
    /// wait, then fail, rather than being lost on the old node).
    /// </summary>
    private static SqliteTransaction BeginWriteLocked(SqliteConnection connection, string root)
    {
        try
        {
            return connection.BeginTransaction(deferred: false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            throw new TransferException(TransferProblem.InUse, new LocalizedText(
                $"移行元 {root} のデータベースに別のプロセス（ゲートウェイなしで動くコンソールなど）が書き込んでいます。停止してから、もう一度実行してください",
                $"another process (a console running without its gateway?) is writing to the database in {root}: stop it, then run this again"));
        }
    }

    private static async Task CheckServerAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var show = connection.CreateCommand();
        show.CommandText = "SELECT current_setting('server_encoding'), current_setting('server_version_num')::int";
        await using var reader = await show.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var (encoding, version) = (reader.GetString(0), reader.GetInt32(1));
        if (encoding != "UTF8" || version < 110000)
        {
            throw new TransferException(TransferProblem.TargetUnsuitable, new LocalizedText(
                $"移行先には PostgreSQL 11 以降で、エンコーディング UTF8 のデータベースが必要です（このデータベースは {encoding}、バージョン番号 {version}）",
                $"the target must be a UTF8 database on PostgreSQL 11 or later (this one is {encoding}, version number {version})"));
        }
    }

    /// <summary>The target's tables (its schema as migrated, without <c>schema_version</c>), each with its columns.</summary>
    private static async Task<Dictionary<string, List<TargetColumn>>> TargetTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, List<TargetColumn>>(StringComparer.Ordinal);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT c.table_name, c.column_name, c.data_type, c.is_identity FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = current_schema() AND c.table_name <> 'schema_version'
            ORDER BY c.table_name, c.ordinal_position
            """;
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = [];
            }

            columns.Add(new TargetColumn(reader.GetString(1), reader.GetString(2), reader.GetString(3) == "YES"));
        }

        return tables;
    }

    /// <summary>
    /// Locks every table of the target against writers until the commit (a node started on it meanwhile waits), then
    /// refuses unless all are empty: rows already there — another deployment's, or a node that was started too early —
    /// are never merged with the source's.
    /// </summary>
    private static async Task LockEmptyAsync(NpgsqlConnection connection, IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        var names = tables.Order(StringComparer.Ordinal).ToList();
        await using (var locking = connection.CreateCommand())
        {
            locking.CommandText = $"SET LOCAL lock_timeout = '10s'; LOCK TABLE {string.Join(", ", names.Select(TableCopier.Quote))} IN EXCLUSIVE MODE";
            try
            {
                await locking.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new TransferException(TransferProblem.InUse, new LocalizedText(
                    "移行先のデータベースは使用中です（ノードが稼働しています）。移行が終わるまで、どのノードも起動しないでください",
                    "the target database is in use (a node runs on it): start no node until the move is done"));
            }
        }

        var filled = new List<string>();
        foreach (var table in names)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM {TableCopier.Quote(table)}";
            var rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (rows > 0)
            {
                filled.Add(FormattableString.Invariant($"{table} {rows}"));
            }
        }

        if (filled.Count > 0)
        {
            throw new TransferException(TransferProblem.TargetNotEmpty, new LocalizedText(
                $"移行先のデータベースには既にデータがあります（{string.Join("、", filled)}）。統合はしません。空のデータベースを新しく作成して指定してください。何も書き込んでいません",
                $"the target database already holds data ({string.Join(", ", filled)}); nothing is merged into it: create a new, empty database and name it. Nothing was written"));
        }
    }

    /// <summary>The source's tables to copy (<c>messages</c> first: recipients refer to it), each with the target's columns of the same names.</summary>
    private static async Task<List<(string Table, IReadOnlyList<TargetColumn> Columns)>> SourceTablesAsync(SqliteConnection connection, SqliteTransaction read,
        Dictionary<string, List<TargetColumn>> target, CancellationToken cancellationToken)
    {
        var tables = new List<(string, IReadOnlyList<TargetColumn>)>();
        await using var select = connection.CreateCommand();
        select.Transaction = read;
        select.CommandText = """
            SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'schema_version'
            ORDER BY m.name <> 'messages', m.name, p.cid
            """;
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        string? current = null;
        List<TargetColumn> columns = [];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (table, column) = (reader.GetString(0), reader.GetString(1));
            if (NotMoved.Contains(table))
            {
                continue;
            }

            if (table != current)
            {
                current = table;
                columns = [];
                tables.Add((table, columns));
            }

            columns.Add(target.GetValueOrDefault(table)?.Find(c => c.Name == column) ?? throw new TransferException(TransferProblem.TargetUnsuitable, new LocalizedText(
                $"移行先に {table}.{column} がありません（移行元のデータベースがこのプログラムと異なる版のものです）。何も書き込んでいません",
                $"the target has no {table}.{column} (the source database is not of this program's version); nothing was written")));
        }

        return tables;
    }

    /// <summary>Moves each identity counter (audit, policy versions) past the ids copied, so the next row a node writes gets a new one.</summary>
    private static async Task MoveIdentitiesPastAsync(NpgsqlConnection connection, Dictionary<string, List<TargetColumn>> tables, CancellationToken cancellationToken)
    {
        foreach (var (table, columns) in tables)
        {
            foreach (var column in columns.Where(c => c.Identity))
            {
                await using var set = connection.CreateCommand();
                set.CommandText = $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE(MAX({TableCopier.Quote(column.Name)}), 0) + 1, false) " +
                                  $"FROM {TableCopier.Quote(table)}";
                Sql.Add(set, "@table", TableCopier.Quote(table));
                Sql.Add(set, "@column", column.Name);
                await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
