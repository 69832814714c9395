using System.Data.Common;
using Dapper;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Work to do once a transaction of <see cref="DbConnectionExtensions.InTransactionAsync{T}(DbConnection, Func{DbTransaction, AfterCommit, Task{T}}, CancellationToken)"/>
/// has committed, never after a rollback: telling a read model that its rows changed, so that no reader that looked
/// before the commit can keep the old answer. One per transaction, handed to the work that runs in it.
/// </summary>
internal sealed class AfterCommit
{
    private readonly List<Action> _actions = [];
    private readonly List<Func<Task>> _lastWrites = [];

    public void Add(Action action) => _actions.Add(action);

    /// <summary>
    /// A write to make last, just before the commit: one that locks a row every such transaction shares (the directory's
    /// version), so that the lock is held for the commit only and never while the transaction waits for other rows.
    /// </summary>
    public void BeforeCommit(Func<Task> write) => _lastWrites.Add(write);

    internal async Task RunBeforeCommitAsync()
    {
        foreach (var write in _lastWrites)
        {
            await write();
        }
    }

    internal void Run()
    {
        foreach (var action in _actions)
        {
            action();
        }
    }
}

internal static class DbConnectionExtensions
{
    /// <summary>Runs <paramref name="work"/> in one transaction: all of it commits, or none of it.</summary>
    public static Task<T> InTransactionAsync<T>(
        this DbConnection connection,
        Func<DbTransaction, Task<T>> work,
        CancellationToken cancellationToken) =>
        connection.InTransactionAsync((transaction, _) => work(transaction), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, then, only once it has committed, what the work added to its
    /// <see cref="AfterCommit"/>.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        this DbConnection connection,
        Func<DbTransaction, AfterCommit, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var afterCommit = new AfterCommit();
        var result = await work(transaction, afterCommit);
        await afterCommit.RunBeforeCommitAsync();
        await transaction.CommitAsync(cancellationToken);
        afterCommit.Run();
        return result;
    }
}

/// <summary>A write in progress: the connection, its transaction, and what to do once it has committed.</summary>
internal sealed record WriteScope(DbConnection Connection, DbTransaction Transaction, AfterCommit AfterCommit, CancellationToken CancellationToken)
{
    public CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, Transaction, cancellationToken: CancellationToken);
}
