using System.Collections.Concurrent;
using System.Data.Common;
using Achievements.Api.Infrastructure.Storage;

namespace Achievements.Api.Engine.Ingestion;

/// <summary>
/// Ingestion's turns at the database: one ingest transaction at a time per database file. SQLite has one write
/// lock, and writers that miss it sleep in its busy handler, whose back-off reaches tens of milliseconds, instead
/// of taking turns; waiting here hands the lock on as soon as it is free.
/// </summary>
/// <remarks>
/// One per app (a singleton), not static, so two apps in one process (tests start many) do not share it. The
/// turns are per app instance, so per process: a second process (or a second app in this one) writing the same
/// file does not wait here, and SQLite's own write lock, with its 10 s busy timeout, still serialises the two,
/// at the busy handler's pace rather than in turns. An accepted event is still stored once; the hand-over between
/// the instances is slower, and a batch kept waiting past the busy timeout fails whole (nothing stored), for its
/// source to send again. The service is meant to run as one process on its file (decisions 0004 and 0007).
/// On PostgreSQL, which has row locks rather than one write lock, the turns are not needed for speed; they are kept
/// because they also stop this process's batches from meeting on the same unique keys in different orders, which
/// PostgreSQL would answer by failing one as a deadlock. Two instances' batches can still meet (decision 0014).
/// </remarks>
internal sealed class IngestTurns : IDisposable
{
    private readonly ConcurrentDictionary<string, Turn> _turns = new(StringComparer.Ordinal);

    /// <summary>The turn of the database at <paramref name="dataSource"/>: wait on it before writing, release it after.</summary>
    public Turn For(string dataSource) => _turns.GetOrAdd(dataSource, _ => new Turn());

    /// <summary>Runs <paramref name="work"/> in one transaction on <paramref name="connection"/>, in its database's turn.</summary>
    public async Task<T> InTransactionAsync<T>(DbConnection connection, Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var turn = For(connection.DataSource);
        await turn.WaitAsync(cancellationToken);
        try
        {
            return await connection.InTransactionAsync(work, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>
    /// Group commit: runs <paramref name="work"/> in its database's turn, in one transaction with the work of every
    /// other caller waiting for the turn by then, and returns once that transaction has committed. Whoever gets the
    /// turn runs everyone's work on its own connection, in the order they arrived, so many single events share one
    /// commit (one fsync) instead of queueing for one each. Nothing is answered before the commit: if it fails, every
    /// caller in it fails, and none of its work is stored; each caller's work is then tried again alone, so that one
    /// caller's failure is its own.
    /// </summary>
    public async Task<T> InSharedTransactionAsync<T>(DbConnection connection, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var turn = For(connection.DataSource);
        var mine = new SharedWork(async (c, t) => await work(c, t));
        turn.Enqueue(mine);
        var holding = false;
        try
        {
            await turn.WaitAsync(cancellationToken);
            holding = true;
        }
        catch (OperationCanceledException) when (!turn.Withdraw(mine))
        {
            // Cancelled, but the holder of the turn has already taken our work: its outcome is ours.
        }

        if (holding)
        {
            try
            {
                var group = turn.TakeWaiting();
                if (group.Count > 0)
                {
                    await RunAsync(connection, group);
                }
            }
            finally
            {
                turn.Release();
            }
        }

        // Done by us or by whoever had the turn before us.
        return (T)(await mine.Done.Task)!;
    }

    public void Dispose()
    {
        foreach (var turn in _turns.Values)
        {
            turn.Dispose();
        }
    }

    private static async Task RunAsync(DbConnection connection, List<SharedWork> group)
    {
        try
        {
            // Not the callers' cancellation: one caller going away must not undo the others' work.
            var results = await connection.InTransactionAsync(async transaction =>
            {
                var results = new object?[group.Count];
                for (var i = 0; i < group.Count; i++)
                {
                    results[i] = await group[i].Work(connection, transaction);
                }

                return results;
            }, CancellationToken.None);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.SetResult(results[i]);
            }
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var alone in group)
            {
                try
                {
                    alone.Done.SetResult(await connection.InTransactionAsync(transaction => alone.Work(connection, transaction), CancellationToken.None));
                }
                catch (Exception exception)
                {
                    alone.Done.SetException(exception);
                }
            }
        }
        catch (Exception exception)
        {
            group[0].Done.SetException(exception);
        }
    }

    /// <summary>One caller's part of a shared transaction, and how it ended.</summary>
    internal sealed class SharedWork(Func<DbConnection, DbTransaction, Task<object?>> work)
    {
        public Func<DbConnection, DbTransaction, Task<object?>> Work => work;

        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One database's turn: a lock handed on in order, the shared work waiting for it, and whether anyone waits.</summary>
    internal sealed class Turn : IDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private readonly List<SharedWork> _waiting = [];
        private int _waiters;

        /// <summary>Whether a writer is waiting for the turn: a long holder (the evaluation worker) should hand it on.</summary>
        public bool IsWanted => Volatile.Read(ref _waiters) > 0;

        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _waiters);
            try
            {
                await _lock.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
            }
        }

        public void Release() => _lock.Release();

        public void Dispose() => _lock.Dispose();

        internal void Enqueue(SharedWork work)
        {
            lock (_waiting)
            {
                _waiting.Add(work);
            }
        }

        /// <summary>Takes back work no one has taken yet; false once a holder of the turn has it.</summary>
        internal bool Withdraw(SharedWork work)
        {
            lock (_waiting)
            {
                return _waiting.Remove(work);
            }
        }

        internal List<SharedWork> TakeWaiting()
        {
            lock (_waiting)
            {
                var taken = _waiting.ToList();
                _waiting.Clear();
                return taken;
            }
        }
    }
}
