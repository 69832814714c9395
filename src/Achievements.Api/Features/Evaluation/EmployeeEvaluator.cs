using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Badges;
using Dapper;

namespace Achievements.Api.Features.Evaluation;

/// <summary>What one evaluation changed.</summary>
internal sealed record EvaluationCounts(int Granted, int Upgraded, int Downgraded, int Revoked)
{
    public static readonly EvaluationCounts None = new(0, 0, 0, 0);

    public static EvaluationCounts operator +(EvaluationCounts a, EvaluationCounts b) =>
        new(a.Granted + b.Granted, a.Upgraded + b.Upgraded, a.Downgraded + b.Downgraded, a.Revoked + b.Revoked);
}

/// <summary>An employee's award of one badge as stored.</summary>
internal sealed record AwardRow
{
    public long Id { get; init; }
    public required string BadgeKey { get; init; }
    public required string Status { get; init; }
    public string? Tier { get; init; }
    public long TierRank { get; init; }
    public long BadgeVersion { get; init; }
    public double Value { get; init; }
    public DateTimeOffset AwardedAt { get; init; }
    public required string Evidence { get; init; }
    public long Blocked { get; init; }
    public string? Reason { get; init; }

    public IReadOnlyList<long> EvidenceSeqs => JsonSerializer.Deserialize<long[]>(Evidence) ?? [];
}

internal static class AwardStatus
{
    public const string Active = "active";
    public const string Held = "held";
    public const string Revoked = "revoked";
}

/// <summary>
/// Decides, for one employee and every live badge, whether to grant, upgrade, claw back or leave an award,
/// and writes the change with its history and audit entry. Awards are durable: a window that rolls past
/// the threshold leaves the badge in place; only a correction of the evidence takes it back. What it judged goes on to
/// the detectors, so that they never read the same history again.
/// </summary>
internal sealed class EmployeeEvaluator(AuditTrail audit, Gaming.DetectionRunner detections)
{
    public const string CorrectedReason = "corrected";

    private const string SelectAwards = """
        SELECT id AS Id, badge_key AS BadgeKey, status AS Status, tier AS Tier, tier_rank AS TierRank, badge_version AS BadgeVersion,
               value AS Value, awarded_at AS AwardedAt, evidence AS Evidence, blocked AS Blocked, reason AS Reason
        FROM awards WHERE employee_id = @EmployeeId
        """;

    // ON CONFLICT: a revoked award comes back as a new grant; an admin's block is respected even here.
    private const string Grant = """
        INSERT INTO awards (employee_id, badge_key, status, tier, tier_rank, badge_version, value, awarded_at, evidence, updated_at)
        VALUES (@EmployeeId, @BadgeKey, @Status, @Tier, @TierRank, @BadgeVersion, @Value, @Now, @Evidence, @Now)
        ON CONFLICT (employee_id, badge_key) DO UPDATE SET
            status = excluded.status, tier = excluded.tier, tier_rank = excluded.tier_rank, badge_version = excluded.badge_version,
            value = excluded.value, awarded_at = excluded.awarded_at, evidence = excluded.evidence, reason = NULL, updated_at = excluded.updated_at
        WHERE awards.status = 'revoked' AND awards.blocked = 0
        """;

    private const string ChangeTier = """
        UPDATE awards SET tier = @Tier, tier_rank = @TierRank, badge_version = @BadgeVersion, value = @Value,
               awarded_at = @AwardedAt, evidence = @Evidence, reason = @Reason, updated_at = @Now,
               status = CASE WHEN @Hold THEN 'held' ELSE status END
        WHERE id = @Id AND tier_rank = @FromRank
        """;

    private const string Revoke = """
        UPDATE awards SET status = 'revoked', tier = NULL, tier_rank = -1, reason = @Reason, updated_at = @Now
        WHERE id = @Id AND status <> 'revoked'
        """;

    public async Task<EvaluationCounts> EvaluateAsync(DbConnection connection, DbTransaction transaction, EvaluationContext context, string employeeId, CancellationToken cancellationToken)
    {
        var history = await context.LoadEmployeeAsync(connection, transaction, employeeId, cancellationToken);
        if (history is null)
        {
            return EvaluationCounts.None;
        }

        var now = context.Now;
        var awards = (await connection.QueryAsync<AwardRow>(new CommandDefinition(SelectAwards, new { EmployeeId = employeeId }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(a => a.BadgeKey, StringComparer.Ordinal);
        // While an open ring or burst flag is on the employee, what they earn waits for an admin's review.
        var write = new AwardWriter(connection, transaction, audit, employeeId, now, context.Held.Contains(employeeId), cancellationToken);
        var counts = EvaluationCounts.None;

        var counted = history.CountAsOf(now);
        detections.Remember(history, counted, now);
        if (history.IsBot)
        {
            // Bots never earn anything; an account marked as a bot later loses what it held.
            foreach (var award in awards.Values.Where(a => a.Status != AwardStatus.Revoked))
            {
                await write.RevokeAsync(award, ExclusionReason.Bot);
                counts += new EvaluationCounts(0, 0, 0, 1);
            }

            return counts;
        }

        foreach (var badge in context.Badges)
        {
            awards.TryGetValue(badge.Key, out var award);
            if (award is { Blocked: not 0 })
            {
                continue;
            }

            var (outcome, evidence, rank) = context.Judge(badge, counted, now);

            if (award is null || award.Status == AwardStatus.Revoked)
            {
                if (rank >= 0)
                {
                    await write.GrantAsync(badge, rank, outcome.Value, evidence);
                    counts += new EvaluationCounts(1, 0, 0, 0);
                }
            }
            else if (rank > award.TierRank)
            {
                await write.ChangeTierAsync(award, badge, rank, outcome.Value, evidence, now, "upgraded", null);
                counts += new EvaluationCounts(0, 1, 0, 0);
            }
            else if (ClawbackRank(history, counted, award, badge, rank) is { } kept && kept < award.TierRank)
            {
                if (kept >= 0)
                {
                    await write.ChangeTierAsync(award, badge, kept, outcome.Value, evidence, award.AwardedAt, "downgraded", CorrectedReason);
                    counts += new EvaluationCounts(0, 0, 1, 0);
                }
                else
                {
                    await write.RevokeAsync(award, CorrectedReason);
                    counts += new EvaluationCounts(0, 0, 0, 1);
                }
            }
        }

        return counts;
    }

    /// <summary>
    /// When an outcome the award counted has since been corrected, the award is judged again as of the moment
    /// it was granted, with what is known now. Returns the tier it keeps, or null when nothing it counted changed.
    /// </summary>
    private static int? ClawbackRank(EmployeeHistory history, CountedEvents now, AwardRow award, CompiledBadge badge, int rankNow)
    {
        var lost = award.EvidenceSeqs.ToHashSet();
        if (!now.All.Any(e => lost.Contains(e.Stored.Seq) && e.Reason == ExclusionReason.Corrected))
        {
            return null;
        }

        var rankThen = history.Context.Judge(badge, history.CountAsOf(award.AwardedAt), award.AwardedAt).TierRank;
        return Math.Max(rankNow, rankThen);
    }

    private sealed class AwardWriter(DbConnection connection, DbTransaction transaction, AuditTrail audit, string employeeId, DateTimeOffset now, bool hold, CancellationToken cancellationToken)
    {
        public async Task GrantAsync(CompiledBadge badge, int rank, double value, IReadOnlyList<long> evidence)
        {
            var tier = badge.TierName(rank);
            await ExecuteAsync(Grant, new
            {
                EmployeeId = employeeId,
                BadgeKey = badge.Key,
                Status = hold ? AwardStatus.Held : AwardStatus.Active,
                Tier = tier,
                TierRank = rank,
                BadgeVersion = badge.Version,
                Value = value,
                Now = now,
                Evidence = JsonSerializer.Serialize(evidence),
            });
            await RecordAsync("granted", badge.Key, tier, badge.Version, value, null);
        }

        public async Task ChangeTierAsync(AwardRow award, CompiledBadge badge, int rank, double value, IReadOnlyList<long> evidence, DateTimeOffset awardedAt, string action, string? reason)
        {
            var tier = badge.TierName(rank);
            await ExecuteAsync(ChangeTier, new
            {
                award.Id,
                Tier = tier,
                TierRank = rank,
                BadgeVersion = badge.Version,
                Value = value,
                AwardedAt = awardedAt,
                Evidence = JsonSerializer.Serialize(evidence),
                Reason = reason,
                Now = now,
                FromRank = award.TierRank,
                Hold = hold && action == "upgraded",
            });
            await RecordAsync(action, badge.Key, tier, badge.Version, value, reason);
        }

        public async Task RevokeAsync(AwardRow award, string reason)
        {
            await ExecuteAsync(Revoke, new { award.Id, Reason = reason, Now = now });
            await RecordAsync("revoked", award.BadgeKey, award.Tier, (int)award.BadgeVersion, award.Value, reason);
        }

        private Task<int> ExecuteAsync(string sql, object parameters) =>
            connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));

        private Task RecordAsync(string action, string badgeKey, string? tier, int version, double value, string? reason) =>
            AwardHistory.RecordAsync(connection, transaction, audit, new AwardChange(employeeId, badgeKey, action, tier, version, value, reason), now, cancellationToken, AuditTrail.System);
    }
}
