using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Miraie.SafeMail.Storage;

/// <summary>
/// Keeps the hot statements prepared per connection: SQLite parses and plans a statement once, not for every message.
/// A connection is used by one caller at a time, so its cache needs no locking. PostgreSQL gets a new command each time:
/// Npgsql keeps prepared statements per physical connection by their SQL itself (<c>Max Auto Prepare</c>), and an
/// auto-prepared Npgsql command whose parameters are cleared and added again sends the previous execution's values.
/// </summary>
internal static class CommandCache
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Commands = [];

    /// <summary>The prepared command for <paramref name="sql"/> on <paramref name="connection"/>, with no parameters and the given transaction.</summary>
    public static DbCommand Get(DbConnection connection, DbTransaction? transaction, string sql)
    {
        if (connection is Npgsql.NpgsqlConnection)
        {
            var fresh = connection.CreateCommand();
            fresh.CommandText = sql;
            fresh.Transaction = transaction;
            return fresh;
        }

        var commands = Commands.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }
}
