using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>
/// The writer of the gateway's database and spool segments: group commit. Work items queue up; the writer takes
/// everything waiting, appends the batch's message bytes to the current segment, fsyncs once, runs every item's SQL in
/// one transaction (each in its own savepoint, so one bad item fails alone; with PostgreSQL savepoints only when an item
/// failed, see <see cref="CommitAsync"/>) and commits — then completes them all.
/// A 250 reply waits for that commit, so durability costs one fsync per batch instead of one per message.
/// With PostgreSQL the bytes go into <c>message_bytes</c> inside the same transaction instead of a segment (all of a
/// batch's rows in one round trip, <see cref="SqlBatch"/>): the one commit (<c>synchronous_commit</c> on: one WAL flush)
/// makes the whole batch, bytes and records, durable on the server; <see cref="PostgreSqlWriters"/> writers, each with its
/// own connection, take batches in turn, so that one batch's statements go while the other's commit waits for its flush.
/// Items of one caller that awaits each still commit in order; items of different callers never depended on an order.
/// </summary>
public sealed class StoreWriter : IAsyncDisposable
{
    private const int MaxBatchItems = 512;
    private const long MaxBatchBytes = 32L * 1024 * 1024;

    private readonly SafeMailDatabase _database;
    private readonly SpoolStore _spool;
    private readonly ILogger _logger;
    /// <summary>
    /// PostgreSQL: group commits in flight at once. A commit waits for the server's WAL flush; with one writer, the next
    /// batch could not even be sent meanwhile (measured: a quarter of the CPU idle under load at 100 KB per message).
    /// Two writers overlap one batch's flush with the next batch's statements, and PostgreSQL flushes concurrent commits
    /// together. SQLite has one write lock: one writer.
    /// </summary>
    public const int PostgreSqlWriters = 2;

    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>();
    private readonly SemaphoreSlim _turn = new(1, 1); // held by the writer that gathers a batch and sends its statements
    private readonly Task[] _loops;
    private readonly bool _bytesInDatabase;
    private readonly StorageMetrics? _metrics;
    private readonly RecentBytes? _recent;

    /// <summary>
    /// Starts the writer loop. With <paramref name="metrics"/>, each group commit's time is measured; with
    /// <paramref name="recent"/> (PostgreSQL), a copy of each small queued message's bytes is kept for its delivery.
    /// </summary>
    public StoreWriter(SafeMailDatabase database, SpoolStore spool, ILogger<StoreWriter> logger, StorageMetrics? metrics = null, RecentBytes? recent = null)
    {
        _metrics = metrics;
        _recent = recent;
        _database = database;
        _spool = spool;
        _logger = logger;
        _bytesInDatabase = database.Provider == DatabaseProvider.PostgreSql;
        _loops = Enumerable.Range(0, _bytesInDatabase ? PostgreSqlWriters : 1).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside the next batch's transaction. With <paramref name="bytes"/>, the message is
    /// first appended to a segment and synced, and <paramref name="work"/> receives where it landed (null with PostgreSQL:
    /// the bytes are a row of the same transaction, found by <see cref="SpooledBytes.Id"/>). The task completes
    /// only after the commit (or fails, with nothing of this item committed).
    /// </summary>
    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, SegmentLocation?, Task<T>> work, SpooledBytes? bytes = null)
    {
        var item = new WorkItem<T>(work, bytes);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Completion.Task;
    }

    /// <summary>
    /// Like <see cref="RunAsync{T}(Func{DbConnection, DbTransaction, SegmentLocation?, Task{T}}, SpooledBytes?)"/> for work
    /// that only writes: <paramref name="build"/> adds its statements (and returns the item's result) without running
    /// them. On PostgreSQL every such item's statements, with the batch's bytes rows, go to the server in one round trip;
    /// a busy node spent most of a group commit's time waiting for round trips one item after another. The builder may
    /// be called more than once (a failed batch runs again, item by item): it must only add statements.
    /// </summary>
    public Task<T> RunStatementsAsync<T>(Func<SqlBatch, SegmentLocation?, T> build, SpooledBytes? bytes = null)
    {
        var item = new StatementsItem<T>(build, bytes);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Completion.Task;
    }

    /// <summary>Runs <paramref name="work"/> inside the next batch's transaction.</summary>
    public Task RunAsync(Func<DbConnection, DbTransaction, Task> work) =>
        RunAsync<bool>(async (c, t, _) =>
        {
            await work(c, t).ConfigureAwait(false);
            return true;
        });

    private async Task RunAsync()
    {
        var lane = new Lane(_turn);
        DbConnection? connection = null;
        var batch = new List<WorkItem>(MaxBatchItems);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // One writer at a time gathers a batch and sends its statements; it passes the turn on when it sends COMMIT.
            // The next batch then gathers what arrived meanwhile, as large as with one writer, while this one's flush goes on.
            await lane.TakeTurnAsync().ConfigureAwait(false);
            try
            {
                await RunBatchAsync().ConfigureAwait(false);
            }
            finally
            {
                lane.PassTurn();
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        async Task RunBatchAsync()
        {
            batch.Clear();
            long bytes = 0;
            while (batch.Count < MaxBatchItems && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                bytes += next.Bytes?.Bytes.Length ?? 0;
            }

            if (batch.Count == 0)
            {
                return; // another writer took them
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                connection ??= await _database.OpenAsync().ConfigureAwait(false);
                if (!_bytesInDatabase)
                {
                    AppendAndSync(batch);
                }

                lane.Committing = false;
                try
                {
                    await CommitAsync(connection, batch, lane).ConfigureAwait(false);
                }
                catch (Exception lost) when (_bytesInDatabase && !lane.Committing && connection.State != ConnectionState.Open && batch.TrueForAll(i => !i.Failed))
                {
                    // The connection this writer keeps died while idle (PostgreSQL restarted, a failover): the batch's first
                    // statement found it so, before anything of it ran and long before the commit. Run it once more on a new
                    // connection rather than answer 451 to every message in it.
                    _logger.LogWarning("the store writer's database connection was lost ({Error}); the batch of {Count} runs again on a new one",
                        lost.Message, batch.Count);
                    await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                    connection = await _database.OpenAsync().ConfigureAwait(false);
                    await CommitAsync(connection, batch, lane).ConfigureAwait(false);
                }

                _metrics?.Committed(started);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "store batch of {Count} items failed", batch.Count);
                foreach (var item in batch)
                {
                    item.Fail(e);
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                }
            }
        }
    }

    private void AppendAndSync(List<WorkItem> batch)
    {
        _spool.SealIfFull(); // only here, between batches: everything in a sealed segment has been committed
        var appended = false;
        foreach (var item in batch.Where(i => i.Bytes is not null))
        {
            try
            {
                var (segment, offset) = _spool.Append(item.Bytes!.Id, item.Bytes.Bytes);
                item.Location = new SegmentLocation(segment, offset);
                appended = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                item.Fail(e); // disk full, spool not writable: this message is refused (4xx), the batch goes on
            }
        }

        if (appended)
        {
            _spool.Sync();
        }
    }

    private async Task CommitAsync(DbConnection connection, List<WorkItem> batch, Lane lane)
    {
        var now = DateTimeOffset.UtcNow;
        // PostgreSQL: a savepoint and its release are two more round trips to the server per item, as many as the item's
        // own statements (measured: a third of the writer's round trips). The batch runs without them first; only when one
        // of its items fails is the transaction rolled back and the batch run again, item by item in savepoints, so that the
        // failing item fails alone as before. The work items only run SQL, so running them twice changes nothing. SQLite
        // runs in this process: its savepoints cost nothing.
        if (_bytesInDatabase && await TryAllAtOnceAsync(connection, batch, now, lane).ConfigureAwait(false))
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var index = 0;
        foreach (var item in batch.Where(i => !i.Failed))
        {
            var savepoint = "s" + index++;
            await transaction.SaveAsync(savepoint).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, transaction, item, now).ConfigureAwait(false);
                await transaction.ReleaseAsync(savepoint).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                item.Fail(e);
                try
                {
                    await transaction.RollbackAsync(savepoint).ConfigureAwait(false);
                }
                catch (Exception rollback) when (rollback is not OutOfMemoryException)
                {
                    // The connection is gone (the server went away mid-batch): the whole batch fails, with the error that
                    // says why (the rollback's own, e.g. ObjectDisposedException, would hide it).
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                }
            }
        }

        lane.Committing = true;
        lane.PassTurn();
        await transaction.CommitAsync().ConfigureAwait(false);
        foreach (var item in batch.Where(i => !i.Failed))
        {
            Complete(item);
        }
    }

    /// <summary>Completes a committed item; its bytes' copy (if one was taken) is kept for the delivery first.</summary>
    private void Complete(WorkItem item)
    {
        if (item.Copy is { } copy)
        {
            if (_recent?.TryKeep(item.Bytes!.Id, copy) != true)
            {
                copy.Dispose();
            }

            item.Copy = null;
        }

        item.Complete();
    }

    /// <summary>
    /// Runs and commits the whole batch in one transaction without savepoints; false (nothing committed) when an item
    /// failed. The bytes rows and every statements item go to the server together (<see cref="SqlBatch"/>: one round
    /// trip), then the items that run their own SQL, one after another.
    /// </summary>
    private async Task<bool> TryAllAtOnceAsync(DbConnection connection, List<WorkItem> batch, DateTimeOffset now, Lane lane)
    {
        await using (var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false))
        {
            var together = new SqlBatch(connection, transaction);
            var held = new List<IDisposable>();
            try
            {
                var separately = new List<WorkItem>();
                foreach (var item in batch.Where(i => !i.Failed))
                {
                    if (item.Bytes is { } bytes)
                    {
                        held.Add(MessageStore.Insert(together, bytes.Id, bytes.Bytes, now));
                        KeepCopy(item);
                    }

                    if (!item.Build(together))
                    {
                        separately.Add(item);
                    }
                }

                await together.ExecuteAsync().ConfigureAwait(false);
                foreach (var item in separately)
                {
                    await item.ExecuteAsync(connection, transaction).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogDebug(e, "a batch of {Count} failed: it runs again, item by item", batch.Count);
                try
                {
                    await transaction.RollbackAsync().ConfigureAwait(false);
                }
                catch (Exception rollback) when (rollback is not OutOfMemoryException)
                {
                    // The connection is gone: the whole batch fails, with the error that says why (as below).
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                }

                return false;
            }
            finally
            {
                foreach (var bytes in held)
                {
                    bytes.Dispose();
                }
            }

            lane.Committing = true;
            lane.PassTurn();
            await transaction.CommitAsync().ConfigureAwait(false);
        }

        foreach (var item in batch.Where(i => !i.Failed))
        {
            Complete(item);
        }

        return true;
    }

    private async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, WorkItem item, DateTimeOffset now)
    {
        if (_bytesInDatabase && item.Bytes is { } bytes)
        {
            await MessageStore.InsertAsync(connection, transaction, bytes.Id, bytes.Bytes, now).ConfigureAwait(false);
            KeepCopy(item);
        }

        await item.ExecuteAsync(connection, transaction).ConfigureAwait(false);
    }

    /// <summary>Takes the copy of a queued message's bytes its delivery will read (PostgreSQL, <see cref="RecentBytes"/>).</summary>
    private void KeepCopy(WorkItem item)
    {
        // Taken now, while the session still holds the content (it may let go of it once the item completes).
        item.Copy?.Dispose(); // an earlier try of this batch took one
        item.Copy = _recent is null || !item.Bytes!.KeepCopy ? null : RecentBytes.CopyOf(item.Bytes.Bytes);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    /// <summary>One writer loop's state.</summary>
    private sealed class Lane(SemaphoreSlim turn)
    {
        private bool _hasTurn;

        /// <summary>Set when a batch's COMMIT is sent: past that point its outcome is unknown, and it is never run again.</summary>
        public bool Committing { get; set; }

        public async Task TakeTurnAsync()
        {
            await turn.WaitAsync().ConfigureAwait(false);
            _hasTurn = true;
        }

        /// <summary>Lets the next writer gather its batch; once per turn taken (later calls do nothing).</summary>
        public void PassTurn()
        {
            if (_hasTurn)
            {
                _hasTurn = false;
                turn.Release();
            }
        }
    }

    private abstract class WorkItem(SpooledBytes? bytes)
    {
        public SpooledBytes? Bytes { get; } = bytes;
        public SegmentLocation? Location { get; set; }
        public MessageContent? Copy { get; set; }
        public bool Failed { get; private set; }

        public abstract Task ExecuteAsync(DbConnection connection, DbTransaction transaction);

        /// <summary>Adds this item's statements to <paramref name="batch"/>; false for an item that runs its own SQL.</summary>
        public virtual bool Build(SqlBatch batch) => false;

        public abstract void Complete();
        protected abstract void SetException(Exception e);

        public void Fail(Exception e)
        {
            Copy?.Dispose();
            Copy = null;
            if (!Failed)
            {
                Failed = true;
                SetException(e);
            }
        }
    }

    private sealed class WorkItem<T>(Func<DbConnection, DbTransaction, SegmentLocation?, Task<T>> work, SpooledBytes? bytes) : WorkItem(bytes)
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task ExecuteAsync(DbConnection connection, DbTransaction transaction) =>
            _result = await work(connection, transaction, Location).ConfigureAwait(false);

        public override void Complete() => Completion.TrySetResult(_result!);

        protected override void SetException(Exception e) => Completion.TrySetException(e);
    }

    private sealed class StatementsItem<T>(Func<SqlBatch, SegmentLocation?, T> build, SpooledBytes? bytes) : WorkItem(bytes)
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool Build(SqlBatch batch)
        {
            _result = build(batch, Location);
            return true;
        }

        public override async Task ExecuteAsync(DbConnection connection, DbTransaction transaction)
        {
            var batch = new SqlBatch(connection, transaction);
            _result = build(batch, Location);
            await batch.ExecuteAsync().ConfigureAwait(false);
        }

        public override void Complete() => Completion.TrySetResult(_result!);

        protected override void SetException(Exception e) => Completion.TrySetException(e);
    }
}
