using System.Data.Common;

namespace Miraie.SafeMail.Storage;

/// <summary>
/// Statements that run together, in order, on one connection and transaction. On PostgreSQL they go to the server in one
/// round trip (an Npgsql batch; each statement is still auto-prepared as it would be alone): the delivery path and the
/// group commit send several statements per message, and on a busy node each round trip costs both processes a wakeup.
/// On SQLite, which runs in this process, they run one after another through the prepared-command cache.
/// The first failing statement fails the whole call, as it would have failed the transaction.
/// </summary>
public sealed class SqlBatch(DbConnection connection, DbTransaction? transaction)
{
    private readonly List<Statement> _statements = [];

    /// <summary>How many statements were added.</summary>
    public int Count => _statements.Count;

    /// <summary>Adds a statement; give it its parameters with <see cref="Statement.Add{T}"/>.</summary>
    public Statement Add(string sql)
    {
        var statement = new Statement(sql);
        _statements.Add(statement);
        return statement;
    }

    /// <summary>Runs every statement added, in order; returns the rows each one changed.</summary>
    public async Task<int[]> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        var affected = new int[_statements.Count];
        if (_statements.Count == 0)
        {
            return affected;
        }

        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var statement in _statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                foreach (var add in statement.Parameters)
                {
                    add.ToBatch(command);
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < affected.Length; i++)
            {
                affected[i] = batch.BatchCommands[i].RecordsAffected;
            }

            return affected;
        }

        for (var i = 0; i < _statements.Count; i++)
        {
            var command = CommandCache.Get(connection, transaction, _statements[i].Sql);
            foreach (var add in _statements[i].Parameters)
            {
                add.ToCommand(command);
            }

            affected[i] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return affected;
    }

    /// <summary>One statement of a batch and its parameters.</summary>
    public sealed class Statement(string sql)
    {
        internal string Sql { get; } = sql;
        internal List<IParameter> Parameters { get; } = [];

        /// <summary>Adds a parameter, typed and converted as <see cref="Storage.Sql.Add{T}(DbCommand, string, T)"/> does.</summary>
        public Statement Add<T>(string name, T value)
        {
            Parameters.Add(new Parameter<T>(name, value));
            return this;
        }

        /// <summary>Adds a binary parameter from memory the caller keeps valid until the batch has run (e.g. a pooled array).</summary>
        public Statement AddBytes(string name, ReadOnlyMemory<byte> bytes)
        {
            Parameters.Add(new BinaryParameter(name, bytes, null));
            return this;
        }

        /// <summary>
        /// Adds a binary parameter read from <paramref name="stream"/> when the statement is sent. Npgsql 10 copies a stream
        /// parameter into one MemoryStream of its whole length first: prefer <see cref="AddBytes(string, ReadOnlyMemory{byte})"/>
        /// from pooled memory where the size allows. The caller keeps the stream open until the batch has run.
        /// </summary>
        public Statement AddBytes(string name, Stream stream, long length)
        {
            Parameters.Add(new BinaryParameter(name, stream, checked((int)length)));
            return this;
        }
    }

    internal interface IParameter
    {
        void ToBatch(DbBatchCommand command);
        void ToCommand(DbCommand command);
    }

    private sealed record Parameter<T>(string Name, T Value) : IParameter
    {
        public void ToBatch(DbBatchCommand command) => Storage.Sql.Add(command, Name, Value);
        public void ToCommand(DbCommand command) => Storage.Sql.Add(command, Name, Value);
    }

    /// <summary>A bytea parameter: pooled memory, or a stream with its length.</summary>
    private sealed record BinaryParameter(string Name, object Value, int? Length) : IParameter
    {
        public void ToBatch(DbBatchCommand command) => command.Parameters.Add(Fill(command.CreateParameter()));
        public void ToCommand(DbCommand command) => command.Parameters.Add(Fill(command.CreateParameter()));

        private DbParameter Fill(DbParameter parameter)
        {
            parameter.ParameterName = Name;
            parameter.DbType = System.Data.DbType.Binary;
            parameter.Value = Value;
            if (Length is { } length)
            {
                parameter.Size = length;
            }

            return parameter;
        }
    }
}
