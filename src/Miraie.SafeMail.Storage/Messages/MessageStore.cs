using System.Data;
using System.Data.Common;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// Where the bytes of stored messages are kept, by provider. SQLite (one node): spool segments for queued mail (appended by
/// the <see cref="StoreWriter"/>) and a file of its own for quarantined and generated mail. PostgreSQL (any number of
/// nodes): rows of <c>message_bytes</c>, so that whichever node is alive can deliver, release, show or download a message
/// another node accepted. Bytes read back from the database are copied to this node first (memory, or a private file
/// past the spill threshold), so a slow upstream never holds a database connection — unless this node has just queued the
/// message and still holds a copy (<see cref="RecentBytes"/>).
/// </summary>
public sealed class MessageStore(SafeMailDatabase database, SpoolStore spool, RecentBytes? recent = null)
{
    /// <summary>Read back from the database into memory up to this size; beyond it, into a private file.</summary>
    private const long ReadSpillThreshold = 1024 * 1024;

    /// <summary>How long a bytes row may wait for its record (the record's commit failed, or the node died in between) before it is swept.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromHours(1);

    /// <summary>True when bytes live in the database (PostgreSQL), false for spool files (SQLite).</summary>
    public bool InDatabase => database.Provider == DatabaseProvider.PostgreSql;

    /// <summary>
    /// Stores a message that is kept outside the delivery queue's segments (quarantine, generated mail), durably, before
    /// its record is committed: in a file under <paramref name="folder"/> (returns its relative path for the record's
    /// <c>FilePath</c>) or as a database row (returns null; the record finds it by id).
    /// </summary>
    public async Task<string?> KeepAsync(string folder, string id, MessageContent content, CancellationToken cancellationToken = default)
    {
        if (!InDatabase)
        {
            return await Task.Run(() => spool.WriteFile(folder, id, content), cancellationToken).ConfigureAwait(false);
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await InsertAsync(connection, null, id, content, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Inserts a message's bytes row (PostgreSQL), streamed from <paramref name="content"/>; a row already there for the id is replaced.</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, string id, MessageContent content, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var batch = new SqlBatch(connection, transaction);
        using var bytes = Insert(batch, id, content, now);
        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the statement of <see cref="InsertAsync"/> to <paramref name="batch"/>; returns what holds its bytes, which the
    /// caller disposes once the batch has run. Up to <see cref="PooledBytes.MaxLength"/> the bytes are one pooled array
    /// (Npgsql would otherwise copy a stream parameter into a new array of its whole length: a large-object-heap allocation
    /// per message, measured as a full collection every 20 messages at 100 KB); larger messages go as a stream.
    /// </summary>
    public static IDisposable Insert(SqlBatch batch, string id, MessageContent content, DateTimeOffset now)
    {
        var statement = batch.Add("""
            INSERT INTO message_bytes (message_id, created_at, content) VALUES (@id, @at, @content)
            ON CONFLICT (message_id) DO UPDATE SET created_at = excluded.created_at, content = excluded.content
            """)
            .Add("@id", id)
            .Add("@at", now.ToUnixTimeMilliseconds());
        if (content.Length <= PooledBytes.MaxLength)
        {
            var copy = PooledBytes.CopyOf(content);
            statement.AddBytes("@content", copy.Memory);
            return copy;
        }

        var stream = content.OpenRead();
        statement.AddBytes("@content", stream, content.Length);
        return stream;
    }

    /// <summary>Opens a stored message's bytes exactly as received, seekable, wherever they are kept.</summary>
    public async Task<Stream> OpenAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        if (message.FilePath is not null || message.Segment is not null || !InDatabase)
        {
            return spool.OpenMessage(message);
        }

        if (recent?.Take(message.Id) is { } kept)
        {
            if (kept.Length == message.Size)
            {
                return new OwningStream(kept.OpenRead(), kept);
            }

            kept.Dispose();
        }

        var copy = new MessageContent(ReadSpillThreshold, spool.Incoming);
        try
        {
            await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT content FROM message_bytes WHERE message_id = @id";
                Sql.Add(select, "@id", message.Id);
                await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidDataException($"message {message.Id} has no stored bytes (state {message.State})");
                }

                await using var source = reader.GetStream(0);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    copy.Append(buffer.AsSpan(0, read));
                }
            }

            copy.Complete();
            if (copy.Length != message.Size)
            {
                throw new InvalidDataException($"message {message.Id}: {copy.Length} bytes stored, its record says {message.Size}");
            }

            return new OwningStream(copy.OpenRead(), copy);
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Lets go of a finished message's bytes (deleted from the quarantine): its file, or its row. Called after the state
    /// change is committed; a crash in between leaves bytes for <see cref="SweepAsync"/>, never a record pointing at nothing.
    /// </summary>
    public async Task ForgetAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        if (message.FilePath is { } path)
        {
            spool.DeleteFile(path);
        }

        if (InDatabase)
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM message_bytes WHERE message_id = @id";
            Sql.Add(delete, "@id", message.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> (a delivery's transaction, after its state change) the deletion of the message's
    /// bytes row when the message no longer waits for anything (PostgreSQL; spool segments are swept as a whole). What
    /// the sweep would delete within a minute goes at once, by its key, instead of by a join over every finished message.
    /// </summary>
    public void ForgetIfFinished(SqlBatch batch, string id)
    {
        if (InDatabase)
        {
            batch.Add($"""
                DELETE FROM message_bytes WHERE message_id = @id
                  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = @id AND (m.state IN {MessageState.WaitingSql} OR m.state = 'quarantined'))
                """).Add("@id", id);
        }
    }

    /// <summary>
    /// Deletes bytes rows nothing needs any more (PostgreSQL): those of finished messages, and those whose record never
    /// came, older than <see cref="OrphanAge"/>. Returns how many. Safe on every node at once.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!InDatabase)
        {
            return 0;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM message_bytes b
            WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = b.message_id AND m.state NOT IN ('queued', 'held', 'awaiting-approval', 'quarantined'))
               OR (b.created_at < @orphan AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = b.message_id))
            """;
        Sql.Add(delete, "@orphan", (now - OrphanAge).ToUnixTimeMilliseconds());
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A read stream that also disposes the content it reads.</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                owner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
