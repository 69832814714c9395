using System.Collections.Concurrent;
using System.Data.Common;
using Achievements.Api.Infrastructure.Storage;

namespace Achievements.Api.Features.Events;

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
internal sealed class IngestTurns
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    /// <summary>The turn of the database at <paramref name="dataSource"/>: wait on it before writing, release it after.</summary>
    public SemaphoreSlim For(string dataSource) => _turns.GetOrAdd(dataSource, _ => new SemaphoreSlim(1, 1));

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
}
