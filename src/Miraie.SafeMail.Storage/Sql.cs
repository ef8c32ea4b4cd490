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
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        object? boxed = value is bool flag ? (flag ? 1L : 0L) : value;
        parameter.Value = boxed ?? DBNull.Value;
        if (TypeOf(typeof(T)) is { } type)
        {
            parameter.DbType = type;
        }

        command.Parameters.Add(parameter);
        return parameter;
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
