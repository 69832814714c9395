using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Achievements.Api.Infrastructure.Storage;

internal static class DbConnectionExtensions
{
    // Work waiting for a transaction of InTransactionAsync to commit. Keyed weakly by the transaction, so an
    // entry never outlives it; per transaction, not per app, so app instances sharing a process share nothing.
    private static readonly ConditionalWeakTable<DbTransaction, List<Action>> AfterCommit = [];

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it commits, or none of it.</summary>
    /// <remarks>What <see cref="OnCommitted"/> registered runs after the commit, never on a rollback.</remarks>
    public static async Task<T> InTransactionAsync<T>(
        this DbConnection connection,
        Func<DbTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var committed = new List<Action>();
        AfterCommit.Add(transaction, committed);
        try
        {
            var result = await work(transaction);
            await transaction.CommitAsync(cancellationToken);
            foreach (var action in committed)
            {
                action();
            }

            return result;
        }
        finally
        {
            AfterCommit.Remove(transaction);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> once <paramref name="transaction"/> has committed, so that what it does (such as
    /// dropping a cached read) can never be undone by a reader that looked before the commit. Only transactions of
    /// <see cref="InTransactionAsync"/> take such work; any other is refused rather than silently never running it.
    /// </summary>
    public static void OnCommitted(this DbTransaction transaction, Action action)
    {
        if (!AfterCommit.TryGetValue(transaction, out var committed))
        {
            throw new InvalidOperationException("Work after a commit needs a transaction begun by InTransactionAsync.");
        }

        committed.Add(action);
    }
}
