using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Evaluation;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Gaming;

/// <summary>What one detection run found and did.</summary>
internal sealed record DetectionSummary(int Employees, int Flagged, int Held);

/// <summary>Which employees a detection run reads again before judging everyone it knows.</summary>
internal enum DetectionRefresh
{
    /// <summary>None: the evaluation pass that calls the run has just reduced whom it evaluated.</summary>
    None,

    /// <summary>Whoever is active and not reduced within <see cref="DetectionRunner.ActivityMaxAge"/>: the periodic full run.</summary>
    Stale,

    /// <summary>Everyone active: an admin's explicit run.</summary>
    Everyone,
}

/// <summary>
/// Runs the detectors, stores new findings as flags, and holds the awards that the flagged behaviour may have
/// earned: those granted inside the flag's window. A finding already open, confirmed, or dismissed within its
/// window is not raised again.
/// </summary>
/// <remarks>
/// The detectors judge every active employee's <see cref="EmployeeActivity"/>, kept in memory for this process:
/// the evaluator hands over each employee it has just judged (<see cref="Remember"/>), so a run after an evaluation
/// pass reads nothing from the events table and costs the same whatever the history's length. Activities are
/// reduced again when their employee is evaluated (any new event, correction or settlement queues them), by the
/// periodic run for whoever is older than <see cref="ActivityMaxAge"/>, and by an admin's run for everyone. Approvals
/// keep their times, so rings are judged on the window as of the run; bursts and token sums are as of the reduction.
/// Token burn compares everyone with everyone, so it runs only when the population has just been refreshed.
/// </remarks>
internal sealed class DetectionRunner(IDbConnectionFactory connections, TimeProvider time, IOptions<DetectionOptions> options, AuditTrail audit, ILogger<DetectionRunner> logger)
{
    /// <summary>How old an activity may be before the periodic run reduces it again from the events.</summary>
    public static readonly TimeSpan ActivityMaxAge = TimeSpan.FromDays(1);

    // Active non-bots, by an index seek per employee rather than a scan of every event in the lookback.
    private const string SelectActive = """
        SELECT e.id FROM employees e
        WHERE e.is_bot = 0 AND EXISTS (SELECT 1 FROM events v WHERE v.actor = e.id AND v.occurred_at > @From)
        ORDER BY e.id
        """;

    private const string Suppressed = """
        SELECT COUNT(*) FROM flags
        WHERE finding = @Key AND (status IN ('open', 'confirmed') OR (status = 'dismissed' AND resolved_at > @Since))
        """;

    private const string InsertFlag = """
        INSERT INTO flags (detector, finding, employees, score, window_start, window_end, evidence, status, created_at)
        VALUES (@Detector, @Key, @Employees, @Score, @WindowStart, @WindowEnd, @Evidence, 'open', @Now)
        RETURNING id
        """;

    private const string InsertMember = "INSERT INTO flag_members (flag_id, employee_id) VALUES (@FlagId, @EmployeeId)";

    private readonly ConcurrentDictionary<string, EmployeeActivity> _activities = new(StringComparer.Ordinal);

    /// <summary>Keeps what the detectors need from an employee the evaluator has just judged; a bot is forgotten.</summary>
    public void Remember(EmployeeHistory history, CountedEvents counted, DateTimeOffset now)
    {
        if (history.IsBot)
        {
            _activities.TryRemove(history.EmployeeId, out _);
            return;
        }

        _activities[history.EmployeeId] = EmployeeActivity.From(history.EmployeeId, counted, history.Context.Catalog, now, options.Value);
    }

    /// <param name="refresh">Whom to read again from the events before judging.</param>
    /// <param name="cancellationToken">Stops the run; nothing is stored until its one transaction commits.</param>
    public async Task<DetectionSummary> RunAsync(DetectionRefresh refresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        if (refresh != DetectionRefresh.None)
        {
            await RefreshAsync(connection, context, refresh, cancellationToken);
        }

        // Ordered, so that the same organisation gives the same flags in the same order.
        var population = _activities.Where(a => !context.Bots.Contains(a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var findings = Detectors.All(population, now, settings, withTokenBurn: refresh != DetectionRefresh.None).ToList();
        var (flagged, held) = await connection.InTransactionAsync(async transaction =>
        {
            var flagged = 0;
            var held = 0;
            foreach (var finding in findings)
            {
                var suppression = finding.WindowEnd - finding.WindowStart;
                if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(Suppressed, new { finding.Key, Since = now - suppression }, transaction, cancellationToken: cancellationToken)) > 0)
                {
                    continue;
                }

                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertFlag, new
                {
                    finding.Detector,
                    finding.Key,
                    Employees = JsonSerializer.Serialize(finding.Employees),
                    finding.Score,
                    finding.WindowStart,
                    finding.WindowEnd,
                    Evidence = JsonSerializer.Serialize(finding.Evidence, StorageJson.Options),
                    Now = now,
                }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(InsertMember, finding.Employees.Select(e => new { FlagId = id, EmployeeId = e }), transaction, cancellationToken: cancellationToken));
                await audit.RecordAsync(connection, transaction, "flag.raised", new { id, finding.Detector, finding.Employees, finding.Score }, cancellationToken, actor: AuditTrail.System);
                flagged++;
                if (finding.Holds)
                {
                    foreach (var employee in finding.Employees)
                    {
                        held += await AwardHolds.HoldAsync(connection, transaction, audit, employee, finding.WindowStart, now, cancellationToken);
                    }
                }
            }

            return (flagged, held);
        }, cancellationToken);

        return new DetectionSummary(population.Count, flagged, held);
    }

    /// <summary>Reduces again whoever the refresh asks for, one employee at a time, and forgets whoever is no longer active.</summary>
    private async Task RefreshAsync(DbConnection connection, EvaluationContext context, DetectionRefresh refresh, CancellationToken cancellationToken)
    {
        var now = context.Now;
        var settings = options.Value;
        var lookback = Math.Max(settings.RingWindowDays, Math.Max(settings.BurstLookbackDays, settings.TokenBurnWindowDays));
        var active = (await connection.QueryAsync<string>(new CommandDefinition(SelectActive, new { From = now.AddDays(-lookback) }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _activities.Keys.Where(e => !active.Contains(e)))
        {
            _activities.TryRemove(gone, out _);
        }

        foreach (var employee in active)
        {
            if (refresh == DetectionRefresh.Stale && _activities.TryGetValue(employee, out var known) && now - known.AsOf < ActivityMaxAge)
            {
                continue;
            }

            try
            {
                if (await context.LoadEmployeeAsync(connection, null, employee, cancellationToken) is { } history)
                {
                    Remember(history, history.CountAsOf(now), now);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One unreadable history must not blind the detectors to everyone else.
                _activities.TryRemove(employee, out _);
                logger.LogError(exception, "Could not read the events of {Employee} for detection; left out of this run", employee);
            }
        }
    }
}

/// <summary>Moves awards between active and held, with history and audit, for flags being raised and resolved.</summary>
internal static class AwardHolds
{
    private const string Hold = """
        UPDATE awards SET status = 'held', updated_at = @Now
        WHERE employee_id = @EmployeeId AND status = 'active' AND awarded_at >= @Since
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string Release = """
        UPDATE awards SET status = 'active', updated_at = @Now
        WHERE employee_id = @EmployeeId AND status = 'held'
          AND NOT EXISTS (SELECT 1 FROM flag_members m JOIN flags f ON f.id = m.flag_id
                          WHERE m.employee_id = @EmployeeId AND f.status = 'open' AND f.detector IN ('review-ring', 'burst'))
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string Revoke = """
        UPDATE awards SET status = 'revoked', blocked = 1, reason = @Reason, updated_at = @Now
        WHERE employee_id = @EmployeeId AND status = 'held'
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    public static Task<int> HoldAsync(DbConnection connection, DbTransaction transaction, AuditTrail audit, string employeeId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(connection, transaction, audit, Hold, "held", employeeId, null, since, now, cancellationToken);

    /// <summary>Held awards become active again, unless another open flag still holds the employee.</summary>
    public static Task<int> ReleaseAsync(DbConnection connection, DbTransaction transaction, AuditTrail audit, string employeeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(connection, transaction, audit, Release, "released", employeeId, null, now, now, cancellationToken);

    /// <summary>Confirmed gaming: held awards are revoked and blocked, as if an admin had revoked each.</summary>
    public static Task<int> RevokeAsync(DbConnection connection, DbTransaction transaction, AuditTrail audit, string employeeId, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(connection, transaction, audit, Revoke, "revoked", employeeId, reason, now, now, cancellationToken);

    private static async Task<int> ChangeAsync(DbConnection connection, DbTransaction transaction, AuditTrail audit, string sql, string action, string employeeId, string? reason, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = (await connection.QueryAsync<ChangedAward>(new CommandDefinition(sql, new { EmployeeId = employeeId, Since = since, Now = now, Reason = reason }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var award in changed)
        {
            await Awards.AwardHistory.RecordAsync(connection, transaction, audit, new Awards.AwardChange(employeeId, award.BadgeKey, action, award.Tier, award.Version, award.Value, reason), now, cancellationToken);
        }

        return changed.Count;
    }

    private sealed record ChangedAward
    {
        public required string BadgeKey { get; init; }
        public string? Tier { get; init; }
        public long Version { get; init; }
        public double Value { get; init; }
    }
}
