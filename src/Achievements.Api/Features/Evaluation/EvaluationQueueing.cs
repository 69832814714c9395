using System.Data.Common;
using Dapper;

namespace Achievements.Api.Features;

/// <summary>
/// Puts employees on the durable evaluation queue, always inside the transaction of the change that
/// made them need it, so the change and its evaluation are never separated by a crash.
/// </summary>
internal static class EvaluationQueueing
{
    private const string Enqueue = """
        INSERT INTO evaluation_queue (employee_id, enqueued_at) VALUES (@EmployeeId, @Now)
        ON CONFLICT (employee_id) DO NOTHING
        """;

    private const string EnqueueEveryone = """
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT id, @Now FROM employees WHERE is_bot = 0
        ON CONFLICT (employee_id) DO NOTHING
        """;

    public static Task EnqueueAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> employeeIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Enqueue, employeeIds.Distinct(StringComparer.Ordinal).Select(id => new { EmployeeId = id, Now = now }), transaction, cancellationToken: cancellationToken));

    public static Task EnqueueEveryoneAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(EnqueueEveryone, new { Now = now }, transaction, cancellationToken: cancellationToken));
}
