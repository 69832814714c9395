using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// How a change to the directory reaches every instance's <see cref="DirectoryCache"/>. Every write that can change an
/// entry tells it here, inside its transaction: this instance forgets the entry once the transaction commits, and on
/// PostgreSQL, where several instances share the database, the change is also recorded with the next directory
/// version. Before a directory read, an instance catches up with the versions it has not applied, so a change made
/// through any instance is seen on the next read through every other (decision 0016).
/// </summary>
internal sealed class DirectoryChanges(IDbConnectionFactory connections, DirectoryCache directory, TimeProvider time) : IDisposable
{
    /// <summary>Changes kept for instances that fall behind; one further behind forgets everything instead.</summary>
    private const long Kept = 100_000;

    // The bump takes the one row's lock until commit, so versions are in commit order: no instance can apply n+1
    // while n is still to commit. It is the transaction's last write (AfterCommit.BeforeCommit), so the lock is held
    // for the commit only: two transactions never wait for each other's rows while one holds it.
    private const string Record = """
        WITH bumped AS (UPDATE directory_state SET version = version + 1 WHERE name = 'directory' RETURNING version)
        INSERT INTO directory_changes (version, employee_id, at) SELECT version, @EmployeeId, @At FROM bumped
        RETURNING version
        """;

    private const string Prune = "DELETE FROM directory_changes WHERE version <= @Before";

    private const string CurrentVersion = "SELECT version FROM directory_state WHERE name = 'directory'";

    private const string Since = "SELECT version AS Version, employee_id AS EmployeeId FROM directory_changes WHERE version > @Applied ORDER BY version";

    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private readonly Lock _reads = new();
    private long _applied = -1;

    // Reads of the version waiting for the next query, and whether a query is running (see ReadVersionAsync).
    private TaskCompletionSource<long>? _waiting;
    private bool _reading;

    /// <summary>One employee's entry changed (an award, their name or team).</summary>
    public void Changed(WriteScope write, string employeeId)
    {
        write.AfterCommit.BeforeCommit(() => RecordAsync(write, employeeId));
        write.AfterCommit.Add(() => directory.Forget(employeeId));
    }

    /// <summary>Every entry changed (a badge was published, archived or seeded).</summary>
    public void EveryoneChanged(WriteScope write)
    {
        write.AfterCommit.BeforeCommit(() => RecordAsync(write, null));
        write.AfterCommit.Add(directory.ForgetEveryone);
    }

    /// <summary>
    /// Forgets what other instances changed since this one last looked: one read of the version when nothing did.
    /// A single process on SQLite is the only writer of its file, so there is nothing to catch up with.
    /// </summary>
    public async ValueTask CatchUpAsync(CancellationToken cancellationToken)
    {
        if (connections.Dialect.IsSqlite)
        {
            return;
        }

        var current = await ReadVersionAsync(cancellationToken);
        if (current <= Volatile.Read(ref _applied))
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await _catchingUp.WaitAsync(cancellationToken);
        try
        {
            if (_applied < 0)
            {
                // Just started: the cache is empty, so nothing older can be in it.
                directory.ForgetEveryone();
                Volatile.Write(ref _applied, current);
                return;
            }

            var changes = (await connection.QueryAsync<(long Version, string? EmployeeId)>(
                new CommandDefinition(Since, new { Applied = _applied }, cancellationToken: cancellationToken))).ToList();
            if (changes.Count == 0 || changes[0].Version != _applied + 1 || changes.Exists(c => c.EmployeeId is null))
            {
                // Pruned past what this instance applied, or a change to everyone.
                directory.ForgetEveryone();
            }
            else
            {
                foreach (var employeeId in changes.Select(c => c.EmployeeId!).Distinct(StringComparer.Ordinal))
                {
                    directory.Forget(employeeId);
                }
            }

            Volatile.Write(ref _applied, Math.Max(current, changes.Count == 0 ? current : changes[^1].Version));
        }
        finally
        {
            _catchingUp.Release();
        }
    }

    public void Dispose() => _catchingUp.Dispose();

    /// <summary>
    /// The directory's version, read by a query that started after this call: every read waiting when a query starts
    /// shares it, and reads that arrive while it runs share the next one. So a change committed before a directory
    /// read began is always seen (the guarantee of decision 0016), while one query at a time serves any number of
    /// concurrent reads: one query per read made PostgreSQL's directory tail under load (docs/performance.md).
    /// </summary>
    private async Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<long> mine;
        bool start;
        lock (_reads)
        {
            mine = _waiting ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            start = !_reading;
            _reading = true;
        }

        if (start)
        {
            _ = Task.Run(RunVersionReadsAsync, CancellationToken.None);
        }

        return await mine.Task.WaitAsync(cancellationToken);
    }

    private async Task RunVersionReadsAsync()
    {
        while (true)
        {
            TaskCompletionSource<long> batch;
            lock (_reads)
            {
                if (_waiting is null)
                {
                    _reading = false;
                    return;
                }

                batch = _waiting;
                _waiting = null;
            }

            try
            {
                // Not a caller's cancellation: the query serves every read in the batch.
                await using var connection = await connections.OpenAsync(CancellationToken.None);
                batch.SetResult(await connection.ExecuteScalarAsync<long>(new CommandDefinition(CurrentVersion)));
            }
            catch (Exception exception)
            {
                batch.SetException(exception);
            }
        }
    }

    private async Task RecordAsync(WriteScope write, string? employeeId)
    {
        if (SqlDialect.Of(write.Connection).IsSqlite)
        {
            return;
        }

        var version = await write.Connection.ExecuteScalarAsync<long>(write.Command(Record, new { EmployeeId = employeeId, At = time.GetUtcNow() }));
        if (version % 1000 == 0)
        {
            await write.Connection.ExecuteAsync(write.Command(Prune, new { Before = version - Kept }));
        }
    }
}
