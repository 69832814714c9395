using System.Data.Common;
using Achievements.Api.Engine.Detection;
using Achievements.Api.Engine.History;
using Achievements.Api.Engine.Ingestion;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Infrastructure.Telemetry;
using Dapper;

namespace Achievements.Api.Engine.Evaluation;

/// <summary>What one run evaluated and changed.</summary>
internal sealed record EvaluationSummary(int Employees, int Granted, int Upgraded, int Downgraded, int Revoked, int Expired);

/// <summary>
/// The evaluation pass, as a pipeline: queue everyone whose outcomes settled since the last sweep (and everyone with an
/// event, when someone joined the directory since); then, for the queued employees in groups, each group in one
/// transaction that also takes them off the queue, load their histories → score them → record every award change
/// through the ledger (<see cref="EmployeeEvaluator"/>); then detect, over the activities of the groups that committed
/// (<see cref="DetectionRunner"/>). One run at a time in this app instance; the awards table's unique key guards
/// against any other.
/// </summary>
internal sealed class EvaluationRunner(IDbConnectionFactory connections, TimeProvider time, EmployeeEvaluator evaluator, DetectionRunner detections, IngestTurns turns, ServiceTelemetry telemetry, ILogger<EvaluationRunner> logger) : IDisposable
{
    private const int Batch = 500;

    /// <summary>Small enough that ingestion never waits long for the write lock, large enough to share fsyncs.</summary>
    private const int EmployeesPerTransaction = 50;

    /// <summary>How often the detectors read whoever they have not seen lately, and look at token burn.</summary>
    private static readonly TimeSpan FullDetectionEvery = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _lastFullDetection;

    private const string NextBatch = "SELECT employee_id FROM evaluation_queue ORDER BY enqueued_at, employee_id LIMIT @Batch";

    // What the pass found waiting, for the queue depth and lag gauges.
    private const string QueueState = "SELECT COUNT(*), MIN(enqueued_at) FROM evaluation_queue";

    private const string Dequeue = "DELETE FROM evaluation_queue WHERE employee_id = @EmployeeId";

    // On PostgreSQL the row goes only if it is the version the claim saw: an enqueue since (its touch makes a new row
    // version, so a new xmin) leaves it queued, moved to the back (MoveToBack) as a new row would have been, so the
    // employee is evaluated again after the others waiting.
    private const string DequeueClaimed = "DELETE FROM evaluation_queue WHERE employee_id = @EmployeeId AND CAST(xmin AS text) = @Version";

    // The group's employees still queued. On PostgreSQL each is held by this transaction with an advisory lock on the
    // employee, not a lock on the queue row: another instance's evaluator skips whoever this one holds and takes the
    // next, an instance killed mid-evaluation holds nothing once its connection drops, and an ingest batch that queues
    // the employee again touches the row without waiting for the evaluation (a row lock made every batch that named
    // a held employee wait for the whole group, about 0.7 s a batch at organisation spread: docs/performance.md).
    // Materialised, so that the lock is tried only on the group's queued rows, whatever plan the scan gets.
    private static string Claim(SqlDialect sql) => sql.IsSqlite
        ? $"SELECT employee_id AS EmployeeId, '' AS Version FROM evaluation_queue WHERE employee_id {sql.In("@Group")} ORDER BY employee_id"
        : $"""
            WITH queued AS MATERIALIZED (SELECT employee_id, CAST(xmin AS text) AS version FROM evaluation_queue WHERE employee_id {sql.In("@Group")})
            SELECT employee_id AS EmployeeId, version AS Version FROM queued
            WHERE pg_try_advisory_xact_lock(hashtext('achievements.evaluation'), hashtext(employee_id))
            ORDER BY employee_id
            """;

    private const string MoveToBack = "UPDATE evaluation_queue SET enqueued_at = @Now WHERE employee_id = @EmployeeId";

    private const string LastSweep = "SELECT value FROM evaluation_state WHERE name = 'last-settlement-sweep'";

    private const string SaveSweep = """
        INSERT INTO evaluation_state (name, value) VALUES ('last-settlement-sweep', @Value)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value
        """;

    // Everyone with an event that settled in (last sweep, now]: an event settles at occurred_at + settlement.
    private const string EnqueueSettled = $"""
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT DISTINCT actor, @Now FROM events
        WHERE type = @Type AND occurred_at > @From AND occurred_at <= @To
        ORDER BY actor
        {EvaluationQueue.AlreadyQueued}
        """;

    // The holders of awards that ran out, of live badges (evaluation judges no other), who are in the directory (nothing
    // expires while someone is deactivated, decision 0017). The index on expires_at keeps this to the few due.
    private const string EnqueueExpiring = $"""
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT DISTINCT a.employee_id, @Now FROM awards a
        JOIN badges b ON b.key = a.badge_key AND b.status = 'published'
        JOIN employees e ON e.id = a.employee_id AND e.active = 1
        WHERE a.expires_at <= @Now AND a.status IN ('active', 'held') AND a.blocked = 0
        ORDER BY a.employee_id
        {EvaluationQueue.AlreadyQueued}
        """;

    // The actors of outcomes a shipping event that settled in the range ships: the same key, from any source (a merge
    // reported by one source ships approvals reported by another). The attribute is a validated name, written into
    // the SQL where the expression indexes on pr_id and suggestion_id serve it.
    private static string EnqueueShipped(SqlDialect sql, string on) => $"""
        INSERT INTO evaluation_queue (employee_id, enqueued_at)
        SELECT DISTINCT o.actor, @Now FROM events s
        JOIN events o ON o.type = @Shipped AND {sql.JsonText("o.attributes", on)} = {sql.JsonText("s.attributes", on)}
        WHERE s.type = @Shipping AND s.occurred_at > @From AND s.occurred_at <= @To
        ORDER BY o.actor
        {EvaluationQueue.AlreadyQueued}
        """;

    public async Task<EvaluationSummary> RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var pass = telemetry.StartEvaluationPass();
            var now = time.GetUtcNow();
            await using var connection = await connections.OpenAsync(cancellationToken);
            await SweepSettledAsync(connection, now, cancellationToken);
            var (queued, oldest) = await connection.QuerySingleAsync<(long, string?)>(new CommandDefinition(QueueState, cancellationToken: cancellationToken));
            telemetry.QueueSeen(queued, oldest is null ? null : UtcTimestampHandler.FromText(oldest), now);
            var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);

            var evaluated = new List<string>();
            var activities = new List<EmployeeActivity>();
            var counts = EvaluationCounts.None;
            // Shutting down (the token) stops the pass between groups, never inside one: the group in hand is finished
            // and committed, so a graceful stop redoes nothing (a kill -9 rolls the group back, and it is redone).
            var inHand = CancellationToken.None;
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = (await connection.QueryAsync<string>(new CommandDefinition(NextBatch, new { Batch }, cancellationToken: cancellationToken))).ToList();
                if (batch.Count == 0)
                {
                    break;
                }

                var before = evaluated.Count;
                foreach (var group in batch.Chunk(EmployeesPerTransaction).TakeWhile(_ => !cancellationToken.IsCancellationRequested))
                {
                    try
                    {
                        counts += await EvaluateAsync(connection, context, group, activities, evaluated, inHand);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // One employee's bad data must not hold up the others: retry them one by one.
                        logger.LogWarning(exception, "Evaluating a group failed; evaluating its employees one by one");
                        foreach (var employeeId in group)
                        {
                            try
                            {
                                counts += await EvaluateAsync(connection, context, [employeeId], activities, evaluated, inHand);
                            }
                            catch (Exception single) when (single is not OperationCanceledException)
                            {
                                logger.LogError(single, "Evaluating {Employee} failed; moved to the back of the queue", employeeId);
                                await connection.ExecuteAsync(new CommandDefinition(MoveToBack, new { EmployeeId = employeeId, Now = time.GetUtcNow() }, cancellationToken: inHand));
                            }
                        }
                    }
                }

                if (evaluated.Count == before)
                {
                    // Everything queued failed: leave it for the next run rather than spin.
                    break;
                }
            }

            if (evaluated.Count > 0 && !cancellationToken.IsCancellationRequested)
            {
                // Detectors run after every pass that evaluated anyone, so a ring or burst is held whichever came
                // first: the grant or the detection. They get the activities of whom the pass judged; the first time
                // and hourly they also read again whoever they have not seen lately, and look at token burn.
                var full = _lastFullDetection is not { } last || now - last >= FullDetectionEvery;
                await detections.RunAsync(full ? DetectionRefresh.Stale : DetectionRefresh.None, activities, cancellationToken);
                _lastFullDetection = full ? now : _lastFullDetection;
            }

            pass.Evaluated(evaluated.Count);
            return new EvaluationSummary(evaluated.Count, counts.Granted, counts.Upgraded, counts.Downgraded, counts.Revoked, counts.Expired);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Reading, deciding, writing and dequeuing share one IMMEDIATE transaction per group of employees: an event
    /// ingested meanwhile waits for it and then queues its employee again, and one commit (one fsync) serves the group.
    /// </summary>
    /// <remarks>
    /// On SQLite the group takes ingestion's turn at the database (<see cref="IngestTurns"/>), and hands it on after the
    /// employee in hand as soon as an ingest batch waits for it: the rest of the group stays queued for the next group.
    /// Holding SQLite's one write lock for a whole group of 50 made each batch of 1,000 events wait for it, through the
    /// busy handler's sleeps: ingestion at organisation spread ran at 0.16-0.25 of the ceiling with the worker running
    /// (docs/performance.md). So ingestion goes first and evaluation's lag grows while it is heavy; on PostgreSQL the
    /// group holds no lock ingestion needs (see <see cref="Claim"/>).
    /// The group's activities join <paramref name="activities"/>, and the employees it claimed <paramref name="evaluated"/>,
    /// only once the group has committed. An employee another instance holds, or already took off the queue, is left to it.
    /// </remarks>
    private async Task<EvaluationCounts> EvaluateAsync(DbConnection connection, EvaluationContext context, IReadOnlyList<string> group, List<EmployeeActivity> activities, List<string> evaluated, CancellationToken cancellationToken)
    {
        var judged = new List<EmployeeActivity>();
        var claimedIds = new List<string>();
        var turn = SqlDialect.Of(connection).IsSqlite ? turns.For(connection.DataSource) : null;
        if (turn is not null)
        {
            await turn.WaitAsync(cancellationToken);
        }

        try
        {
            var changed = await connection.InTransactionAsync(async (transaction, afterCommit) =>
            {
                var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
                var sql = SqlDialect.Of(connection);
                var claimed = (await connection.QueryAsync<(string EmployeeId, string Version)>(write.Command(Claim(sql), new { Group = sql.List(group) }))).ToList();
                var changed = EvaluationCounts.None;
                foreach (var (employeeId, _) in claimed)
                {
                    var evaluation = await evaluator.EvaluateAsync(write, context, employeeId);
                    changed += evaluation.Counts;
                    if (evaluation.Activity is { } activity)
                    {
                        judged.Add(activity);
                    }

                    claimedIds.Add(employeeId);
                    if (turn is { IsWanted: true })
                    {
                        break;
                    }
                }

                claimed.RemoveRange(claimedIds.Count, claimed.Count - claimedIds.Count);

                // Last, so that an ingest batch touching these rows meanwhile never waits on them for more than the commit.
                foreach (var (employeeId, version) in claimed)
                {
                    if (await connection.ExecuteAsync(write.Command(sql.IsSqlite ? Dequeue : DequeueClaimed, new { EmployeeId = employeeId, Version = version })) == 0)
                    {
                        await connection.ExecuteAsync(write.Command(MoveToBack, new { EmployeeId = employeeId, Now = time.GetUtcNow() }));
                    }
                }

                return changed;
            }, cancellationToken);
            activities.AddRange(judged);
            evaluated.AddRange(claimedIds);
            return changed;
        }
        finally
        {
            turn?.Release();
        }
    }

    private static async Task SweepSettledAsync(System.Data.Common.DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.InTransactionAsync(async transaction =>
        {
            // One sweep at a time across instances: each reads where the last one stopped and moves it on.
            await SqlDialect.TakeTurnAsync(connection, transaction, "settlement-sweep", cancellationToken);
            var last = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(LastSweep, transaction: transaction, cancellationToken: cancellationToken));
            if (last is not null)
            {
                var since = UtcTimestampHandler.FromText(last);
                var catalog = await SignalStore.LoadAsync(connection, cancellationToken, transaction);
                foreach (var signal in catalog.Signals)
                {
                    var settlement = signal.SettlementWindow;
                    await connection.ExecuteAsync(new CommandDefinition(
                        EnqueueSettled,
                        new { signal.Type, From = since - settlement, To = now - settlement, Now = now },
                        transaction,
                        cancellationToken: cancellationToken));

                    // A shipping event that settled makes others' outcomes count: the approvals of a merged pull request
                    // are their approvers', so they are queued too.
                    foreach (var shipped in catalog.Signals.Where(s => s.ShippedBy?.Signal == signal.Type))
                    {
                        await connection.ExecuteAsync(new CommandDefinition(
                            EnqueueShipped(SqlDialect.Of(connection), shipped.ShippedBy!.On),
                            new { Shipping = signal.Type, Shipped = shipped.Type, From = since - settlement, To = now - settlement, Now = now },
                            transaction,
                            cancellationToken: cancellationToken));
                    }
                }
            }

            // Someone who joined the directory since vouches now for whom they reviewed: everyone is judged again.
            await EvaluationQueue.TakeEveryoneAskedAsync(connection, transaction, now, cancellationToken);

            // Whoever holds an award that has run out is judged again, so it expires (and may be earned again by new work).
            await connection.ExecuteAsync(new CommandDefinition(EnqueueExpiring, new { Now = now }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(SaveSweep, new { Value = UtcTimestampHandler.ToText(now) }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);
    }
}
