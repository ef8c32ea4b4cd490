using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Core.Text;
using Npgsql;
using NpgsqlTypes;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>
/// Copies a table row for row from SQLite into the PostgreSQL table of the same name with binary COPY (one streamed
/// command per table: no row is held longer than it takes to send it), and reads a table back for the comparison.
/// </summary>
internal static class TableCopier
{
    /// <summary>
    /// Copies every row of <paramref name="table"/>, the <paramref name="columns"/> named, each value converted to the
    /// target column's type; <paramref name="cleared"/> columns are written NULL. Returns the digest of the rows as written.
    /// </summary>
    public static async Task<RowDigest> CopyAsync(SqliteConnection source, SqliteTransaction read, NpgsqlConnection target, string table,
        IReadOnlyList<TargetColumn> columns, IReadOnlySet<string> cleared, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", columns.Select(c => Quote(c.Name)));
        await using var select = source.CreateCommand();
        select.Transaction = read;
        select.CommandText = $"SELECT {list} FROM {Quote(table)}";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var digest = new RowDigest();
        var values = new object?[columns.Count];
        await using var importer = await target.BeginBinaryImportAsync($"COPY {Quote(table)} ({list}) FROM STDIN (FORMAT BINARY)", cancellationToken)
            .ConfigureAwait(false);
        importer.Timeout = Timeout.InfiniteTimeSpan;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < columns.Count; i++)
            {
                values[i] = cleared.Contains(columns[i].Name) ? null : Value(reader, i, columns[i], table);
            }

            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            foreach (var value in values)
            {
                await (value switch
                {
                    null => importer.WriteNullAsync(cancellationToken),
                    string text => importer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken),
                    long number => importer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken),
                    int number => importer.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken),
                    double number => importer.WriteAsync(number, NpgsqlDbType.Double, cancellationToken),
                    _ => importer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellationToken),
                }).ConfigureAwait(false);
            }

            digest.Add(values);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return digest;
    }

    /// <summary>The digest of <paramref name="table"/>'s rows in the target, <paramref name="columns"/> only, as read back in the copying transaction.</summary>
    public static async Task<RowDigest> DigestAsync(NpgsqlConnection target, string table, IReadOnlyList<TargetColumn> columns, CancellationToken cancellationToken)
    {
        await using var select = target.CreateCommand();
        select.CommandTimeout = 0;
        select.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Quote(c.Name)))} FROM {Quote(table)}";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var digest = new RowDigest();
        var values = new object?[columns.Count];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < columns.Count; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            digest.Add(values);
        }

        return digest;
    }

    /// <summary>An identifier quoted for SQL (both engines quote with double quotes).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A source value as the target column takes it. SQLite keeps whatever type a value was written with; a value the
    /// target's type cannot hold exactly (text in a number column, a number past 32 bits in an INTEGER) stops the move.
    /// </summary>
    private static object? Value(SqliteDataReader reader, int ordinal, TargetColumn column, string table)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var value = reader.GetValue(ordinal);
        return (column.Type, value) switch
        {
            ("text", string text) => text,
            ("bigint", long number) => number,
            ("integer", long number) when number is >= int.MinValue and <= int.MaxValue => (int)number,
            ("double precision", double number) => number,
            ("double precision", long number) => (double)number,
            ("bytea", byte[] bytes) => bytes,
            _ => throw new TransferException(TransferProblem.SourceDamaged, new LocalizedText(
                $"{table} の行（{reader.GetName(0)} = {reader.GetValue(0)}）の {column.Name} に、移行先の型 {column.Type} に収まらない値（{value.GetType().Name}）があります。何もコミットしていません",
                $"{table} row {reader.GetName(0)} = {reader.GetValue(0)}: {column.Name} holds a {value.GetType().Name} that the target's {column.Type} cannot hold; nothing was committed")),
        };
    }
}
