using System.Data.Common;
using System.Data;

namespace Miraie.SafeMail.Storage;

/// <summary>Small helpers for commands that run on either provider (ADO.NET base types: SQLite and PostgreSQL alike).</summary>
public static class Sql
{
    /// <summary>
    /// Adds a parameter; null becomes SQL NULL. The parameter is typed from <typeparamref name="T"/>, so that PostgreSQL
    /// knows the type of a NULL (<c>@x IS NULL OR …</c>); a bool is stored as 1 / 0, as the schema's INTEGER flags are.
    /// </summary>
    public static DbParameter Add<T>(DbCommand command, string name, T value)
    {
        var parameter = Fill(command.CreateParameter(), name, value);
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a parameter to a statement of a <see cref="DbBatch"/>, as <see cref="Add{T}(DbCommand, string, T)"/> does to a command.</summary>
    public static DbParameter Add<T>(DbBatchCommand command, string name, T value)
    {
        var parameter = Fill(command.CreateParameter(), name, value);
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static DbParameter Fill<T>(DbParameter parameter, string name, T value)
    {
        parameter.ParameterName = name;
        object? boxed = value is bool flag ? (flag ? 1L : 0L) : value;
        parameter.Value = boxed ?? DBNull.Value;
        if (TypeOf(typeof(T)) is { } type)
        {
            parameter.DbType = type;
        }

        return parameter;
    }

    /// <summary>
    /// True when PostgreSQL gave up a transaction because of another one running at the same moment: a serialization
    /// failure (40001, from a Serializable transaction) or a deadlock (40P01). Nothing of it was written; running it again
    /// from the start is what PostgreSQL's manual prescribes. SQLite never answers so (it waits for its one write lock).
    /// </summary>
    public static bool IsConcurrencyConflict(DbException exception) => exception.SqlState is "40001" or "40P01";

    /// <summary>
    /// Runs <paramref name="transaction"/> (which opens, runs and commits its own transaction on a connection) again while it
    /// fails with <see cref="IsConcurrencyConflict"/>, after a short random pause, at most <paramref name="attempts"/> times.
    /// </summary>
    public static async Task<T> RetryConflictsAsync<T>(Func<Task<T>> transaction, CancellationToken cancellationToken, int attempts = 10)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction().ConfigureAwait(false);
            }
            catch (DbException e) when (IsConcurrencyConflict(e) && attempt < attempts)
            {
                // Random, growing: two transactions that collided should not collide again in step.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static DbType? TypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => DbType.String,
        var t when t == typeof(long) || t == typeof(bool) => DbType.Int64,
        var t when t == typeof(int) => DbType.Int32,
        var t when t == typeof(double) => DbType.Double,
        var t when t == typeof(byte[]) => DbType.Binary,
        _ => null,
    };
}
