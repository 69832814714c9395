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

/// <summary>
/// Runs the detectors, stores new findings as flags, and holds the awards that the flagged behaviour may have
/// earned: those granted inside the flag's window. A finding already open, confirmed, or dismissed within its
/// window is not raised again.
/// </summary>
/// <remarks>
/// A full run reads everyone active in the detectors' windows. After an evaluation pass a scoped run reads only
/// the employees just evaluated and their review partners, so its cost follows the batch, not the organisation:
/// every finding it makes is exact (all members are read), and what it cannot see, the periodic full run finds.
/// Token burn compares everyone with everyone, so it runs only in full runs.
/// </remarks>
internal sealed class DetectionRunner(IDbConnectionFactory connections, TimeProvider time, IOptions<DetectionOptions> options, AuditTrail audit, ILogger<DetectionRunner> logger)
{
    private const string SelectActive = """
        SELECT DISTINCT v.actor FROM events v JOIN employees e ON e.id = v.actor
        WHERE v.occurred_at > @From AND e.is_bot = 0
        ORDER BY v.actor
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

    // Who the scoped employees approved, and who approved them: the people a ring with them would include.
    private const string SelectPartners = """
        SELECT json_extract(attributes, '$.author') FROM events
        WHERE type = 'review.approved' AND occurred_at > @From AND actor IN @Scope
        UNION
        SELECT actor FROM events
        WHERE type = 'review.approved' AND occurred_at > @From AND json_extract(attributes, '$.author') IN @Scope
        """;

    /// <param name="scope">The employees to look at with their review partners; null for everyone.</param>
    /// <param name="cancellationToken">Stops the run; nothing is stored until its one transaction commits.</param>
    public async Task<DetectionSummary> RunAsync(IReadOnlyCollection<string>? scope, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var lookback = Math.Max(settings.RingWindowDays, Math.Max(settings.BurstLookbackDays, settings.TokenBurnWindowDays));
        var active = scope is null
            ? await connection.QueryAsync<string>(new CommandDefinition(SelectActive, new { From = now.AddDays(-lookback) }, cancellationToken: cancellationToken))
            : scope.Concat(await PartnersAsync(connection, scope, now.AddDays(-settings.RingWindowDays), cancellationToken)).Distinct(StringComparer.Ordinal);

        var population = new Dictionary<string, CountedEvents>(StringComparer.Ordinal);
        foreach (var employee in active)
        {
            try
            {
                if (await context.LoadEmployeeAsync(connection, null, employee, cancellationToken) is { IsBot: false } history)
                {
                    population[employee] = history.CountAsOf(now);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One unreadable history must not blind the detectors to everyone else.
                logger.LogError(exception, "Could not read the events of {Employee} for detection; left out of this run", employee);
            }
        }

        var findings = Detectors.All(population, context.Catalog, now, settings, withTokenBurn: scope is null).ToList();
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

    private static async Task<IEnumerable<string>> PartnersAsync(DbConnection connection, IReadOnlyCollection<string> scope, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var partners = new List<string>();
        foreach (var chunk in scope.Chunk(500))
        {
            partners.AddRange(await connection.QueryAsync<string>(new CommandDefinition(SelectPartners, new { From = from, Scope = chunk }, cancellationToken: cancellationToken)));
        }

        return partners;
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
