using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Engine.History;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Notifications;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Engine.Detection;

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
/// window is not raised again; nor is a closed circle all of whose members are in such a circle flag.
/// </summary>
/// <remarks>
/// The detectors judge every active employee's <see cref="EmployeeActivity"/>, kept in memory by this app instance:
/// the evaluation pass hands over the activities of the employees it has just judged and committed, so a run after
/// an evaluation pass reads nothing from the events table and costs the same whatever the history's length. Activities are
/// reduced again when their employee is evaluated (any new event, correction or settlement queues them), by the
/// periodic run for whoever is older than <see cref="ActivityMaxAge"/>, and by an admin's run for everyone. Approvals
/// keep their times, so rings are judged on the window as of the run; bursts and token sums are as of the reduction.
/// Token burn compares everyone with everyone, so it runs only when the population has just been refreshed.
/// </remarks>
internal sealed class DetectionRunner(IDbConnectionFactory connections, TimeProvider time, IOptions<DetectionOptions> options, AuditTrail audit, AwardLedger ledger, NotificationOutbox notifications, ILogger<DetectionRunner> logger)
{
    /// <summary>How old an activity may be before the periodic run reduces it again from the events.</summary>
    public static readonly TimeSpan ActivityMaxAge = TimeSpan.FromDays(1);

    // Active non-bots, by an index seek per employee rather than a scan of every event in the lookback.
    private const string SelectActive = """
        SELECT e.id FROM employees e
        WHERE e.is_bot = 0 AND EXISTS (SELECT 1 FROM events v WHERE v.actor = e.id AND v.occurred_at > @From)
        ORDER BY e.id
        """;

    // The directory's teams, read each run rather than kept with the activities: a move between teams changes
    // who may review whom without any event of the employee's.
    private const string SelectTeams = "SELECT id AS Id, team AS Team FROM employees";

    private const string Suppressed = """
        SELECT COUNT(*) FROM flags
        WHERE finding = @Key AND (status IN ('open', 'confirmed') OR (status = 'dismissed' AND resolved_at > @Since))
        """;

    // A circle all of whose members are in one circle flag already is that circle again, less whoever drifted
    // out of it: a large circle loses and regains a member from run to run as approvals leave the window, and an
    // admin who dismissed it should not see it back one member short.
    private static string SuppressedCircle(SqlDialect sql) => $"""
        SELECT COUNT(*) FROM flags f
        WHERE f.detector = @Detector AND (f.status IN ('open', 'confirmed') OR (f.status = 'dismissed' AND f.resolved_at > @Since))
          AND NOT EXISTS (SELECT 1 FROM {sql.Values("@Employees")} j
                          WHERE NOT EXISTS (SELECT 1 FROM flag_members m WHERE m.flag_id = f.id AND m.employee_id = j.value))
        """;

    private const string InsertFlag = """
        INSERT INTO flags (detector, finding, employees, score, window_start, window_end, evidence, status, created_at)
        VALUES (@Detector, @Key, @Employees, @Score, @WindowStart, @WindowEnd, @Evidence, 'open', @Now)
        RETURNING id
        """;

    private const string InsertMember = "INSERT INTO flag_members (flag_id, employee_id) VALUES (@FlagId, @EmployeeId)";

    private readonly ConcurrentDictionary<string, EmployeeActivity> _activities = new(StringComparer.Ordinal);

    /// <param name="refresh">Whom to read again from the events before judging.</param>
    /// <param name="judged">The activities of the employees an evaluation pass has just judged; they replace what was kept.</param>
    /// <param name="cancellationToken">Stops the run; nothing is stored until its one transaction commits.</param>
    public async Task<DetectionSummary> RunAsync(DetectionRefresh refresh, IReadOnlyCollection<EmployeeActivity> judged, CancellationToken cancellationToken)
    {
        foreach (var activity in judged)
        {
            _activities[activity.Employee] = activity;
        }

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
        var teams = (await connection.QueryAsync<(string Id, string? Team)>(new CommandDefinition(SelectTeams, cancellationToken: cancellationToken)))
            .ToDictionary(e => e.Id, e => e.Team, StringComparer.Ordinal);
        var findings = Detectors.All(population, teams, now, settings, withTokenBurn: refresh != DetectionRefresh.None).ToList();
        var (flagged, held) = await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            // Whether a finding is already flagged is read, then the flag written: one instance at a time.
            await SqlDialect.TakeTurnAsync(connection, transaction, "detection", cancellationToken);
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            var flagged = 0;
            var held = 0;
            foreach (var finding in findings)
            {
                var suppression = finding.WindowEnd - finding.WindowStart;
                var employees = JsonSerializer.Serialize(finding.Employees);
                var suppressed = finding.Detector == Finding.ClosedCircle ? SuppressedCircle(SqlDialect.Of(connection)) : Suppressed;
                if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(suppressed, new { finding.Key, finding.Detector, Employees = employees, Since = now - suppression }, transaction, cancellationToken: cancellationToken)) > 0)
                {
                    continue;
                }

                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertFlag, new
                {
                    finding.Detector,
                    finding.Key,
                    Employees = employees,
                    finding.Score,
                    finding.WindowStart,
                    finding.WindowEnd,
                    Evidence = JsonSerializer.Serialize(finding.Evidence, StorageJson.Options),
                    Now = now,
                }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(InsertMember, finding.Employees.Select(e => new { FlagId = id, EmployeeId = e }), transaction, cancellationToken: cancellationToken));
                await audit.RecordAsync(connection, transaction, "flag.raised", new { id, finding.Detector, finding.Employees, finding.Score }, cancellationToken, actor: AuditTrail.System);
                await notifications.FlagRaisedAsync(write, new FlagNotice(id, finding.Detector, finding.Employees, finding.Score, finding.WindowStart.UtcDateTime, finding.WindowEnd.UtcDateTime), now);
                flagged++;
                if (finding.Holds)
                {
                    foreach (var employee in finding.Employees)
                    {
                        held += await ledger.HoldAsync(write, employee, finding.WindowStart, now);
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
                var history = await context.LoadEmployeeAsync(connection, null, employee, cancellationToken);
                if (history is { IsBot: false })
                {
                    _activities[employee] = EmployeeActivity.From(employee, history.CountAsOf(now), context.Catalog, now, settings);
                }
                else
                {
                    _activities.TryRemove(employee, out _);
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
