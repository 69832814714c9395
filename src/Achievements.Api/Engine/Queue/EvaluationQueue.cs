using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Engine.Queue;

/// <summary>
/// Puts employees on the durable evaluation queue, always inside the transaction of the change that
/// made them need it, so the change and its evaluation are never separated by a crash.
/// </summary>
internal static class EvaluationQueue
{
    /// <summary>
    /// What every enqueue does when the employee is already queued: keep the row and its place, but touch it. On
    /// PostgreSQL the touch makes a new row version (a new xmin), and an evaluator deletes only the version it claimed
    /// (EvaluationRunner), so an event that arrived during the evaluation, which the evaluator's read may have missed,
    /// leaves its employee queued to be evaluated again. DO NOTHING would change nothing and let the delete lose it.
    /// On SQLite, writers take turns and the touch changes nothing.
    /// </summary>
    public const string AlreadyQueued = "ON CONFLICT (employee_id) DO UPDATE SET enqueued_at = evaluation_queue.enqueued_at";

    // One statement for any number of employees, their ids passed as one JSON array ("WHERE true" tells SQLite's
    // parser that ON CONFLICT belongs to the upsert, not to a join): a batch of events names hundreds of them.
    // In id order, so that two instances' batches take the rows' locks in the same order.
    private static string Enqueue(SqlDialect sql) => $"""
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT value, @Now FROM {sql.Values("@EmployeeIds")} WHERE true ORDER BY value
        {AlreadyQueued}
        """;

    private const string EnqueueEveryone = $"""
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT id, @Now FROM employees WHERE is_bot = 0 ORDER BY id
        {AlreadyQueued}
        """;

    public static Task EnqueueAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> employeeIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            Enqueue(SqlDialect.Of(connection)), new { EmployeeIds = JsonSerializer.Serialize(employeeIds.Distinct(StringComparer.Ordinal)), Now = now }, transaction, cancellationToken: cancellationToken));

    public static Task EnqueueEveryoneAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(EnqueueEveryone, new { Now = now }, transaction, cancellationToken: cancellationToken));

    // A marker row, not a copy of the queue: a thousand writers that ask for it leave one row.
    private const string AskForEveryone = """
        INSERT INTO evaluation_state (name, value) VALUES ('enqueue-everyone', 'asked')
        ON CONFLICT (name) DO NOTHING
        """;

    private const string TakeAsked = "DELETE FROM evaluation_state WHERE name = 'enqueue-everyone' RETURNING name";

    private const string EnqueueEveryoneWithEvents = $"""
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT e.id, @Now FROM employees e
        WHERE e.is_bot = 0 AND EXISTS (SELECT 1 FROM events v WHERE v.actor = e.id)
        ORDER BY e.id
        {AlreadyQueued}
        """;

    /// <summary>
    /// Asks the next evaluation pass to queue everyone with an event, in the transaction of the change that needs it.
    /// For changes that may alter anyone's outcomes and come in bulk: someone joining the directory makes their past
    /// reviews vouch, and a SCIM onboarding provisions thousands at once. Queueing everyone in each of those writes
    /// would copy the directory into the queue thousands of times; the pass does it once (<see cref="TakeEveryoneAskedAsync"/>).
    /// </summary>
    public static Task EnqueueEveryoneAtNextPassAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(AskForEveryone, transaction: transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// At a pass's start, under the sweep's turn: when a change asked for it since, queues every non-bot employee with an
    /// event, and clears the ask. A change committed after this waits in its marker for the next pass.
    /// </summary>
    public static async Task TakeEveryoneAskedAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if ((await connection.QueryAsync<string>(new CommandDefinition(TakeAsked, transaction: transaction, cancellationToken: cancellationToken))).Any())
        {
            await connection.ExecuteAsync(new CommandDefinition(EnqueueEveryoneWithEvents, new { Now = now }, transaction, cancellationToken: cancellationToken));
        }
    }
}
